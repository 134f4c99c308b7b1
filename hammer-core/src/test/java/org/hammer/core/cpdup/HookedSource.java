package org.hammer.core.cpdup;

import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;

/**
 * A local tree as the source of a copy that calls {@code beforeRead} before each piece of file
 * data is asked for (the walk asks for a piece read ahead first, then reads it when there is none),
 * so a test can change the file under the copy or stop the copy at a known point.
 */
final class HookedSource implements SourceTree<Path> {
    /** Called with the file and the offset about to be read. */
    interface Hook {
        void beforeRead(Path file, long offset);
    }

    private final LocalSource in;
    private final Hook hook;

    HookedSource(Path root, Hook hook) {
        this.in = new LocalSource(root, PfsTarget::checksums);
        this.hook = hook;
    }

    @Override
    public void session(Runnable body) {
        in.session(body);
    }

    @Override
    public Path root() {
        return in.root();
    }

    @Override
    public Meta stat(Path node) {
        return in.stat(node);
    }

    @Override
    public List<String> list(Path dir) {
        return in.list(dir);
    }

    @Override
    public Path child(Path dir, String name) {
        return in.child(dir, name);
    }

    @Override
    public String readlink(Path node) {
        return in.readlink(node);
    }

    @Override
    public SortedMap<String, byte[]> xattrs(Path node, Meta meta) {
        return in.xattrs(node, meta);
    }

    @Override
    public int read(Path node, long offset, byte[] dst, int len) {
        return in.read(node, offset, dst, len);
    }

    @Override
    public Piece piece(Path node, long offset) {
        hook.beforeRead(node, offset);
        return in.piece(node, offset);
    }

    @Override
    public void release(Piece p) {
        in.release(p);
    }

    @Override
    public void doneReading(Path node) {
        in.doneReading(node);
    }

    @Override
    public String describe() {
        return in.describe();
    }
}
