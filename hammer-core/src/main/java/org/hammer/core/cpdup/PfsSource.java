package org.hammer.core.cpdup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hammer.core.fs.Entry;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.store.Store;

/**
 * A PFS as of one TID as the source of a copy. The whole walk runs in one read transaction, so
 * even a master that is being written to is copied as one consistent state.
 */
final class PfsSource implements SourceTree<Long> {
    private final Store store;
    private final int pfs;
    private final long asOf;
    private final long root;
    private final String describe;
    private FsReader fs;

    PfsSource(Store store, int pfs, long asOf, long root, String describe) {
        this.store = store;
        this.pfs = pfs;
        this.asOf = asOf;
        this.root = root;
        this.describe = describe;
    }

    @Override
    public void session(Runnable body) {
        store.read(r -> {
            fs = new FsReader(r, pfs, asOf);
            try {
                body.run();
            } finally {
                fs = null;
            }
            return null;
        });
    }

    @Override
    public Long root() {
        return root;
    }

    @Override
    public Meta stat(Long node) {
        try {
            return Meta.of(node, fs.getattr(node));
        } catch (FsException e) {
            if (e.errno() == Errno.ENOENT) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public List<String> list(Long dir) {
        List<String> names = new ArrayList<>();
        for (Entry e : fs.list(dir)) {
            names.add(e.name());
        }
        Collections.sort(names);
        return names;
    }

    @Override
    public Long child(Long dir, String name) {
        return fs.lookup(dir, name);
    }

    @Override
    public String readlink(Long node) {
        return fs.readlink(node);
    }

    @Override
    public SortedMap<String, byte[]> xattrs(Long node, Meta meta) {
        SortedMap<String, byte[]> out = new TreeMap<>();
        for (String name : fs.listxattr(node)) {
            out.put(name, fs.getxattr(node, name));
        }
        return out;
    }

    @Override
    public int read(Long node, long offset, byte[] dst, int len) {
        return fs.read(node, offset, dst, 0, len);
    }

    @Override
    public String describe() {
        return describe;
    }
}
