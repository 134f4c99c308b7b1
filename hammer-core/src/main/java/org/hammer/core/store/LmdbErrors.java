package org.hammer.core.store;

import java.nio.file.Path;
import org.hammer.core.HammerException;
import org.lmdbjava.Env;
import org.lmdbjava.LmdbNativeException;

/** Translates LMDB failures into {@link HammerException}s, in this one place. */
final class LmdbErrors {
    private static final int ENOSPC = 28;
    private static final int EACCES = 13;
    private static final int EROFS = 30;
    static final int MDB_NOTFOUND = -30798;

    private LmdbErrors() {
    }

    static boolean isOutOfSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Env.MapFullException
                    || t instanceof LmdbNativeException ne && ne.getResultCode() == ENOSPC) {
                return true;
            }
        }
        return false;
    }

    private static boolean fromBufferProxy(Throwable e) {
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().startsWith("org.lmdbjava.")) {
                return true;
            }
        }
        return false;
    }

    static HammerException translate(Path dir, String op, RuntimeException e) {
        if (e instanceof HammerException he) {
            return he;
        }
        if (e instanceof Env.MapFullException) {
            return new HammerException(HammerException.Kind.FAILURE,
                    dir + ": store is full (its size limit is reached); nothing of this change was written", e);
        }
        if (e instanceof LmdbNativeException.PageCorruptedException
                || e instanceof LmdbNativeException.PageNotFoundException
                || e instanceof LmdbNativeException.PanicException
                || e instanceof Env.FileInvalidException
                || e instanceof Env.VersionMismatchException
                || e instanceof org.lmdbjava.Cursor.FullException) {
            return new HammerException(HammerException.Kind.CORRUPT, dir + ": store damaged: LMDB " + op
                    + " failed: " + e.getMessage() + " (hammer scrub " + dir + " lists all damage)", e);
        }
        if (e instanceof IllegalArgumentException && fromBufferProxy(e)) {
            // lmdbjava sizes its buffers from a node's 32-bit size: damage can make it negative
            return new HammerException(HammerException.Kind.CORRUPT, dir + ": store damaged: LMDB " + op
                    + " met a value of impossible size (" + e.getMessage() + "); hammer scrub " + dir
                    + " lists all damage", e);
        }
        if (e instanceof LmdbNativeException ne) {
            int rc = ne.getResultCode();
            if (rc == ENOSPC) {
                return new HammerException(HammerException.Kind.FAILURE,
                        dir + ": no space left on device; nothing of this change was written", e);
            }
            if (rc == EACCES || rc == EROFS) {
                return new HammerException(HammerException.Kind.FAILURE, dir + ": permission denied", e);
            }
            return new HammerException(HammerException.Kind.FAILURE,
                    dir + ": " + op + " failed: " + ne.getMessage(), e);
        }
        if (e instanceof org.lmdbjava.LmdbException) {
            return new HammerException(HammerException.Kind.FAILURE, dir + ": " + op + " failed: " + e.getMessage(), e);
        }
        return new HammerException(HammerException.Kind.INTERNAL, dir + ": " + op + " failed: " + e, e);
    }
}
