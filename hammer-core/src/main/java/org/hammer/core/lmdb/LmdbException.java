package org.hammer.core.lmdb;

/** A failed LMDB call: its return code (LMDB's own, negative, or an errno) and LMDB's words for it. */
public final class LmdbException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int KEYEXIST = -30799;
    public static final int NOTFOUND = -30798;
    public static final int PAGE_NOTFOUND = -30797;
    public static final int CORRUPTED = -30796;
    public static final int PANIC = -30795;
    public static final int VERSION_MISMATCH = -30794;
    public static final int INVALID = -30793;
    public static final int MAP_FULL = -30792;
    public static final int CURSOR_FULL = -30787;
    public static final int PAGE_FULL = -30786;
    public static final int BAD_TXN = -30782;
    public static final int BAD_VALSIZE = -30781;

    private final int code;

    public LmdbException(int code, String message) {
        super(message + " (" + code + ")");
        this.code = code;
    }

    /** LMDB's return code. */
    public int code() {
        return code;
    }

    /** Whether LMDB found a page or the file not as it wrote them. */
    public boolean damage() {
        return code == PAGE_NOTFOUND || code == CORRUPTED || code == PANIC || code == VERSION_MISMATCH
                || code == INVALID || code == CURSOR_FULL || code == PAGE_FULL;
    }
}
