package org.hammer.core.scrub;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hammer.core.btree.DirEntry;
import org.hammer.core.btree.Inode;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.Entry;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.store.StoreReader;
import org.hammer.core.tid.Tid;

/**
 * The paths of damaged objects, as users name them: the root of the object's PFS (the store
 * directory for PFS #0, else its PFS link, else {@code STORE/@@PFS%05d}) followed by the names
 * from the root down. A name is looked for in the directory the object's inode says it was made
 * in, then, for a file moved since, among all directory entries of the PFS. The view is the
 * PFS's own (now for a master, its sync-end-tid for a slave); an object gone from it is named
 * as of the TID of its damaged record, with an {@code @@0x<tid>} suffix. Deriving never throws:
 * what meets damage or finds no name is {@link Finding#PATH_UNKNOWN}.
 */
final class PathNames {
    /** Deeper than any real tree; a loop of parents ends here. */
    private static final int MAX_DEPTH = 4096;
    private static final int CACHED_DIRS = 256;

    private final String storeRoot;
    private Map<Integer, PfsConfig> configs = Map.of();
    private final Map<Integer, String> roots = new HashMap<>();
    private final Map<String, String> named = new HashMap<>();
    private final Map<String, Map<Long, String>> dirs = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<Long, String>> eldest) {
            return size() > CACHED_DIRS;
        }
    };
    /** Walks of a whole PFS left for names of moved files (each reads every record header). */
    private int searches = 16;

    /** {@code storeRoot}: how users name PFS #0's root (the store directory or its mount point). */
    PathNames(String storeRoot) {
        this.storeRoot = storeRoot;
    }

    /** The PFS records, for the TID each PFS is seen at (unknown PFSes are seen as of now). */
    void configs(Map<Integer, PfsConfig> c) {
        configs = c;
    }

    /** Whether no root path was given for PFS {@code pfs} yet. */
    boolean unnamed(int pfs) {
        return !roots.containsKey(pfs);
    }

    /** Names the root of PFS {@code pfs} as {@code path} (its link, or the path a user gave). */
    void root(int pfs, String path) {
        roots.put(pfs, path);
    }

    String root(int pfs) {
        String r = roots.get(pfs);
        if (r != null) {
            return r;
        }
        return pfs == 0 ? storeRoot : storeRoot + "/" + org.hammer.core.pfs.AsOfName.storedLink(pfs);
    }

    /** The path of object {@code obj} of PFS {@code pfs}, or {@link Finding#PATH_UNKNOWN}. */
    String of(StoreReader r, int pfs, long obj, long tid) {
        String key = pfs + ":" + obj;
        String known = named.get(key);
        if (known != null) {
            return known;
        }
        PfsConfig c = configs.get(pfs);
        long now = c == null ? Tid.MAX : PfsTable.readTid(c);
        String path = Finding.PATH_UNKNOWN;
        try {
            String rel = relative(r, pfs, obj, now);
            if (rel != null) {
                path = root(pfs) + rel;
                named.put(key, path);
            } else if (tid != 0 && Long.compareUnsigned(tid, now) < 0) {
                rel = relative(r, pfs, obj, tid);
                if (rel != null) {
                    path = root(pfs) + rel + "@@" + Tid.format(tid);
                }
            }
        } catch (RuntimeException e) {
            // Damage met on the way (or a name that is not one): the path stays unknown.
        }
        return path;
    }

    /**
     * The path of {@code obj} inside its PFS as of {@code asOf} ({@code ""} for the root,
     * {@code "/a/b"} else), or null when it has no name then; damage met on the way is thrown.
     */
    String relative(StoreReader r, int pfs, long obj, long asOf) {
        FsReader fs = new FsReader(r, pfs, asOf);
        Deque<String> names = new ArrayDeque<>();
        long cur = obj;
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            if (cur == FsReader.ROOT) {
                return names.isEmpty() ? "" : "/" + String.join("/", names);
            }
            if (!fs.exists(cur)) {
                return null;
            }
            Inode i = fs.getattr(cur);
            String name = entries(fs, i.parent()).get(cur);
            long parent = i.parent();
            if (name == null && !i.isDir()) {
                // A file keeps the parent it was made in when it is moved: look in every directory.
                Map.Entry<Long, String> e = anywhere(r, pfs, cur, asOf);
                if (e != null) {
                    name = e.getValue();
                    parent = e.getKey();
                }
            }
            if (name == null) {
                return null;
            }
            names.addFirst(name);
            cur = parent;
        }
        return null;
    }

    /** Child to name in directory {@code dir} as {@code fs} sees it (empty when it is no directory). */
    private Map<Long, String> entries(FsReader fs, long dir) {
        String key = fs.pfs() + ":" + dir + "@" + fs.asOf();
        Map<Long, String> m = dirs.get(key);
        if (m == null) {
            m = new HashMap<>();
            try {
                for (Entry e : fs.list(dir)) {
                    m.putIfAbsent(e.ino(), e.name());
                }
            } catch (FsException e) {
                // gone or not a directory: no names in it
            }
            dirs.put(key, m);
        }
        return m;
    }

    /**
     * Some directory entry of the PFS naming {@code child} as of {@code asOf}: its directory and
     * name. A walk over the whole PFS, so only the first few objects of a scrub get one.
     */
    private Map.Entry<Long, String> anywhere(StoreReader r, int pfs, long child, long asOf) {
        if (searches <= 0) {
            return null;
        }
        searches--;
        @SuppressWarnings("unchecked")
        Map.Entry<Long, String>[] found = new Map.Entry[1];
        RecordScan.scan(r, RecordScan.first(pfs), RecordScan.last(pfs), false, rec -> {
            if (rec.key().type() == RecordType.DIRENTRY && rec.visibleAt(asOf)) {
                try {
                    DirEntry e = DirEntry.decode(r.get(rec.key()).data());
                    if (e.child() == child) {
                        found[0] = Map.entry(rec.key().obj(), e.name());
                        return false;
                    }
                } catch (RuntimeException damaged) {
                    // reported by the store check
                }
            }
            return true;
        });
        return found[0];
    }
}
