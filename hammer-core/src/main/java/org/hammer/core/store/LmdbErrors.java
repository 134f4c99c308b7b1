package org.hammer.core.store;

import java.nio.file.Path;
import org.hammer.core.HammerException;
import org.hammer.core.lmdb.LmdbException;

/** Translates LMDB failures into {@link HammerException}s, in this one place. */
final class LmdbErrors {
    private static final int ENOSPC = 28;
    private static final int EACCES = 13;
    private static final int EROFS = 30;

    private LmdbErrors() {
    }

    static boolean isOutOfSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LmdbException le && (le.code() == LmdbException.MAP_FULL || le.code() == ENOSPC)) {
                return true;
            }
        }
        return false;
    }

    static HammerException translate(Path dir, String op, RuntimeException e) {
        if (e instanceof HammerException he) {
            return he;
        }
        if (!(e instanceof LmdbException le)) {
            return new HammerException(HammerException.Kind.INTERNAL, dir + ": " + op + " failed: " + e, e);
        }
        int rc = le.code();
        if (rc == LmdbException.MAP_FULL) {
            return new HammerException(HammerException.Kind.FAILURE,
                    dir + ": store is full (its size limit is reached: hammer max-size raises it);"
                            + " nothing of this change was written", e);
        }
        // LMDB sets up a cursor without reporting a table root it could not read, and fails every
        // later call of the transaction instead: in a read, where nothing else fails a
        // transaction, that is a damaged page.
        if (le.damage() || (rc == LmdbException.BAD_TXN && (op.equals("read") || op.equals("scan")))) {
            return new HammerException(HammerException.Kind.CORRUPT, dir + ": store damaged: LMDB " + op
                    + " failed: " + e.getMessage() + " (hammer scrub " + dir + " lists all damage)", e);
        }
        if (rc == ENOSPC) {
            return new HammerException(HammerException.Kind.FAILURE,
                    dir + ": no space left on device; nothing of this change was written", e);
        }
        if (rc == EACCES || rc == EROFS) {
            return new HammerException(HammerException.Kind.FAILURE, dir + ": permission denied", e);
        }
        return new HammerException(HammerException.Kind.FAILURE, dir + ": " + op + " failed: " + e.getMessage(), e);
    }
}
