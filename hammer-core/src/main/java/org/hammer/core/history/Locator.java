package org.hammer.core.history;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.btree.DirEntry;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.AsOfName;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.store.StoreReader;
import org.hammer.core.tid.Tid;

/**
 * Finds the object a command-line path names, also when the name no longer exists: with a
 * {@code name@@0x<tid>} suffix the last name is looked up as of that TID; without one, a name
 * missing from the current view is looked up in its directory's history, and the newest object
 * that carried it is taken as it was just before its entry was removed.
 */
public final class Locator {

    private Locator() {
    }

    /**
     * A path split into the part PfsPath resolves and an optional as-of TID of its last name
     * ({@code name@@0x<tid>}); a malformed {@code @@} suffix anywhere is a USAGE failure.
     */
    public record Arg(String base, long tid) {
        public static Arg parse(String arg) {
            AsOfName.check(arg);
            String trimmed = arg.length() > 1 && arg.endsWith("/") ? arg.substring(0, arg.length() - 1) : arg;
            int slash = trimmed.lastIndexOf('/');
            AsOfName last = AsOfName.parse(trimmed.substring(slash + 1));
            if (last != null && !last.name().isEmpty() && !last.current()) {
                return new Arg(trimmed.substring(0, slash + 1) + last.name(), last.tid());
            }
            return new Arg(arg, 0);
        }

        String lastName() {
            Path f = Path.of(base).getFileName();
            return f == null ? "" : f.toString();
        }
    }

    /** Finds what {@code arg} names; {@code p} is {@code arg.base()} resolved. */
    public static Located locate(PfsPath p, Arg arg) {
        return p.store().read(r -> locate(r, p, arg));
    }

    private static Located locate(StoreReader r, PfsPath p, Arg arg) {
        int pfs = p.pfs();
        if (p.exists()) {
            if (arg.tid() == 0) {
                return new Located(pfs, p.ino(), p.asOf(), !p.historical());
            }
            long ino = p.isPfsRoot() ? FsReader.ROOT : new FsReader(r, pfs, arg.tid()).find(p.parentIno(), arg.lastName());
            return checked(r, pfs, ino, arg.tid(), p.ino() == ino && !p.historical(), p.arg());
        }
        long dir = p.ino();
        long asOf = p.asOf();
        List<String> names = p.missing();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            boolean last = i == names.size() - 1;
            if (last && arg.tid() != 0) {
                long ino = new FsReader(r, pfs, arg.tid()).find(dir, name);
                return checked(r, pfs, ino, arg.tid(), false, p.arg());
            }
            Record e = newestEntry(r, pfs, dir, name, asOf);
            if (e == null) {
                throw HammerException.notFound(p.arg() + ": " + name + ": no such file or directory, now or before");
            }
            if (e.deleteTid() != 0 && !e.visibleAt(asOf)) {
                asOf = e.deleteTid() - 1;
            }
            dir = DirEntry.decode(e.data()).child();
        }
        return new Located(pfs, dir, asOf, false);
    }

    private static Located checked(StoreReader r, int pfs, long ino, long tid, boolean current, String arg) {
        if (ino == 0 || !new FsReader(r, pfs, tid).exists(ino)) {
            throw HammerException.notFound(arg + ": did not exist at " + Tid.format(tid));
        }
        return new Located(pfs, ino, tid, current);
    }

    /** The most recently created entry named {@code name} in {@code dir} at or before {@code asOf}. */
    static Record newestEntry(StoreReader r, int pfs, long dir, String name, long asOf) {
        long h = DirEntry.hashKey(name);
        List<Record> found = new ArrayList<>();
        r.scan(new RecordKey(pfs, dir, RecordType.DIRENTRY, h, 0), new RecordKey(pfs, dir, RecordType.DIRENTRY, h + 0x10000, 0),
                true, rec -> {
                    if (Long.compareUnsigned(rec.key().createTid(), asOf) <= 0
                            && DirEntry.decode(rec.data()).name().equals(name)) {
                        found.add(rec);
                    }
                    return true;
                });
        return found.stream().max((a, b) -> Long.compareUnsigned(a.key().createTid(), b.key().createTid()))
                .orElse(null);
    }
}
