package org.hammer.core.cpdup;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Consumer;
import org.hammer.core.HammerException;

/**
 * The copy itself: a depth-first walk of the source kept on an explicit stack, so the target can
 * stop it after any {@link #step()} to commit a batch and resume it in the next transaction.
 * Directories get their attributes after their contents (which change their mtime); a file is
 * copied in pieces of {@link #PIECE} bytes, one per step, its attributes set after the last one.
 */
final class Walk<S, T> {
    /** Bytes of file data read and written per step. */
    static final int PIECE = 1 << 20;
    /** Aligned runs of zeros this long are left as holes (HAMMER's large block size). */
    private static final int HOLE = 64 * 1024;
    private static final byte[] ZEROS = new byte[HOLE];

    private final SourceTree<S> src;
    private final TargetTree<T> dst;
    private final Consumer<String> log;
    private final Counters n = new Counters();
    private final Deque<Frame<S, T>> stack = new ArrayDeque<>();
    /** Source hard-link groups (nlink > 1) seen so far, to the first copy of each. */
    private final Map<FileId, Linked<T>> links = new HashMap<>();
    private final byte[] buf = new byte[PIECE];
    private Copy<S, T> copying;
    private boolean started;

    private record Linked<T>(T node, FileId id) {
    }

    /** A directory being walked: its source names and how far the walk got. */
    private static final class Frame<S, T> {
        final S src;
        final T dst;
        final Meta meta;
        final String path;
        final List<String> names;
        final boolean created;
        int next;

        Frame(S src, T dst, Meta meta, String path, List<String> names, boolean created) {
            this.src = src;
            this.dst = dst;
            this.meta = meta;
            this.path = path;
            this.names = names;
            this.created = created;
        }
    }

    /** A file whose data is being copied. */
    private static final class Copy<S, T> {
        final S src;
        final T dst;
        final Meta meta;
        final String path;
        long offset;

        Copy(S src, T dst, Meta meta, String path) {
            this.src = src;
            this.dst = dst;
            this.meta = meta;
            this.path = path;
        }
    }

    Walk(SourceTree<S> src, TargetTree<T> dst, Consumer<String> log) {
        this.src = src;
        this.dst = dst;
        this.log = log == null ? s -> { } : log;
    }

    CpdupStats run() {
        long t0 = System.nanoTime();
        src.session(() -> dst.run(this::step));
        return n.freeze(System.nanoTime() - t0);
    }

    /** Does one unit of work; false when the walk is over. */
    boolean step() {
        if (!started) {
            started = true;
            start();
            return true;
        }
        if (copying != null) {
            copyPiece();
            return true;
        }
        Frame<S, T> f = stack.peek();
        if (f == null) {
            return false;
        }
        if (f.next < f.names.size()) {
            String name = f.names.get(f.next++);
            S child = src.child(f.src, name);
            Meta m = src.stat(child);
            if (m != null) {
                entry(child, m, f.dst, name, childPath(f.path, name));
            }
            return true;
        }
        stack.pop();
        finishDir(f);
        return true;
    }

    private void start() {
        S root = src.root();
        Meta m = src.stat(root);
        if (m == null) {
            throw HammerException.notFound(src.describe() + ": no such file or directory");
        }
        T dir = dst.prepare();
        String name = dst.destName();
        if (name != null) {
            entry(root, m, dir, name, ".");
            return;
        }
        if (!m.isDir()) {
            throw HammerException.usage(dst.describe() + ": cannot copy a file over the root of a PFS");
        }
        n.checked++;
        enterDir(root, m, dir, ".", false);
    }

    private static String childPath(String dir, String name) {
        return dir.equals(".") ? name : dir + "/" + name;
    }

    private void entry(S s, Meta m, T dir, String name, String path) {
        n.checked++;
        TargetTree.Found<T> cur = dst.lookup(dir, name);
        if (m.isDir()) {
            if (cur != null && cur.meta().isDir()) {
                enterDir(s, m, cur.node(), path, false);
                return;
            }
            replaced(cur, dir, name);
            T d = dst.mkdir(dir, name, m);
            copied(path, "mkdir-ok");
            enterDir(s, m, d, path, true);
            return;
        }
        if (m.nlink() > 1 && linkTo(m, cur, dir, name, path)) {
            return;
        }
        if (m.isRegular()) {
            Meta have = cur == null ? null : cur.meta();
            if (have != null && have.isRegular() && have.size() == m.size() && have.mtimeNs() == m.mtimeNs()
                    && !(m.nlink() == 1 && have.nlink() > 1)) {
                unchanged(s, m, cur, path);
                return;
            }
            replaced(cur, dir, name);
            T file = dst.create(dir, name, m);
            remember(m, file);
            copying = new Copy<>(s, file, m, path);
            return;
        }
        T node;
        if (m.isSymlink()) {
            String text = src.readlink(s);
            if (cur != null && cur.meta().isSymlink() && dst.readlink(cur.node()).equals(text)) {
                unchanged(s, m, cur, path);
                return;
            }
            replaced(cur, dir, name);
            node = dst.symlink(dir, name, text, m);
        } else {
            if (cur != null && cur.meta().type() == m.type() && cur.meta().rdev() == m.rdev()) {
                unchanged(s, m, cur, path);
                return;
            }
            replaced(cur, dir, name);
            node = dst.mknod(dir, name, m);
            if (node == null) {
                log.accept(path + " skipped (a socket)");
                return;
            }
        }
        dst.setAttrs(node, m);
        remember(m, node);
        copied(path, "copy-ok");
    }

    /** The second and later names of a source hard-link group become links to the first copy. */
    private boolean linkTo(Meta m, TargetTree.Found<T> cur, T dir, String name, String path) {
        Linked<T> first = links.get(m.id());
        if (first == null) {
            return false;
        }
        if (cur == null || !cur.meta().id().equals(first.id())) {
            replaced(cur, dir, name);
            dst.link(first.node(), dir, name);
            copied(path, "link-ok");
        }
        return true;
    }

    private void remember(Meta m, T node) {
        if (m.nlink() > 1 && !m.isDir()) {
            links.put(m.id(), new Linked<>(node, dst.id(node)));
        }
    }

    private void unchanged(S s, Meta m, TargetTree.Found<T> cur, String path) {
        if (m.nlink() > 1) {
            links.put(m.id(), new Linked<>(cur.node(), cur.meta().id()));
        }
        if (!dst.sameAttrs(m, cur.meta())) {
            dst.setAttrs(cur.node(), m);
            syncXattrs(s, m, cur.node(), false);
            n.updated++;
            log.accept(path + " attrs-ok");
        }
    }

    /** Removes what the copy replaces; only what was beneath it counts as removed. */
    private void replaced(TargetTree.Found<T> cur, T dir, String name) {
        if (cur != null) {
            n.removed += Math.max(0, dst.remove(dir, name) - 1);
        }
    }

    private void copied(String path, String what) {
        n.copied++;
        log.accept(path + " " + what);
    }

    private void enterDir(S s, Meta m, T d, String path, boolean created) {
        List<String> names = src.list(s);
        if (!created) {
            Set<String> keep = new HashSet<>(names);
            for (String x : dst.list(d)) {
                if (!keep.contains(x)) {
                    long k = dst.remove(d, x);
                    n.removed += k;
                    log.accept(childPath(path, x) + (k > 0 ? " removed" : " kept: PFS links stay"));
                }
            }
        }
        stack.push(new Frame<>(s, d, m, path, names, created));
    }

    private void finishDir(Frame<S, T> f) {
        if (f.created || !dst.sameAttrs(f.meta, dst.stat(f.dst))) {
            dst.setAttrs(f.dst, f.meta);
            if (!f.created) {
                n.updated++;
            }
        }
        syncXattrs(f.src, f.meta, f.dst, f.created);
    }

    private void copyPiece() {
        Copy<S, T> c = copying;
        long size = c.meta.size();
        if (c.offset < size) {
            int want = (int) Math.min(PIECE, size - c.offset);
            int got = src.read(c.src, c.offset, buf, want);
            if (got > 0) {
                writeData(c.dst, c.offset, got);
                c.offset += got;
                n.bytes += got;
            }
            if (got == want && c.offset < size) {
                return;
            }
        }
        copying = null;
        src.doneReading(c.src);
        dst.setSize(c.dst, c.offset);
        dst.doneWriting(c.dst);
        dst.setAttrs(c.dst, c.meta);
        syncXattrs(c.src, c.meta, c.dst, true);
        copied(c.path, "copy-ok");
    }

    /** Writes {@code buf[0, len)} at {@code offset}, leaving aligned all-zero runs as holes. */
    private void writeData(T file, long offset, int len) {
        int runStart = -1;
        for (int at = 0; at < len; at += HOLE) {
            int end = Math.min(len, at + HOLE);
            boolean zero = Arrays.mismatch(buf, at, end, ZEROS, 0, end - at) < 0;
            if (!zero && runStart < 0) {
                runStart = at;
            } else if (zero && runStart >= 0) {
                writeRun(file, offset, runStart, at);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            writeRun(file, offset, runStart, len);
        }
    }

    private void writeRun(T file, long offset, int from, int to) {
        dst.write(file, offset + from, buf, from, to - from);
    }

    private void syncXattrs(S s, Meta m, T t, boolean fresh) {
        if (!m.isRegular() && !m.isDir()) {
            return;
        }
        SortedMap<String, byte[]> want = src.xattrs(s, m);
        SortedMap<String, byte[]> have = fresh ? java.util.Collections.emptySortedMap() : dst.xattrs(t, m);
        for (Map.Entry<String, byte[]> e : want.entrySet()) {
            if (!Arrays.equals(have.get(e.getKey()), e.getValue())) {
                dst.setXattr(t, e.getKey(), e.getValue());
            }
        }
        for (String k : have.keySet()) {
            if (!want.containsKey(k)) {
                dst.removeXattr(t, k);
            }
        }
    }
}
