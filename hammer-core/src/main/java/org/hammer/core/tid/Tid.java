package org.hammer.core.tid;

import org.hammer.core.HammerException;

/**
 * Transaction ids: 64-bit, per store, strictly increasing. They are kept as {@code long} for speed
 * and compared unsigned; this class formats and parses them the way hammer(8) prints them.
 */
public final class Tid {
    /** The first TID of a new store, as newfs_hammer since TIDs stopped being time based. */
    public static final long FIRST = 0x0000000100000000L;
    /** "Current": as-of reads at MAX see every live record. Printed by HAMMER as -1. */
    public static final long MAX = -1L;
    /** sync-beg-tid and sync-end-tid of a new PFS. */
    public static final long INITIAL_SYNC = 1L;

    private Tid() {
    }

    /** {@code 0x} and 16 hex digits, as hammer(8) prints a TID. */
    public static String format(long tid) {
        return "0x" + hex(tid);
    }

    /**
     * 16 hex digits, zero-padded ({@code %016x}), without java.util.Formatter: most commands print
     * TIDs, and the formatter's set-up is milliseconds of a short command's start.
     */
    public static String hex(long v) {
        String h = Long.toHexString(v);
        return "0".repeat(16 - h.length()) + h;
    }

    /** Parses {@code 0x...} or bare hex as pfs-update does (base 16, prefix optional). */
    public static long parseHex(String text) {
        String s = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (s.isEmpty() || s.length() > 16) {
            throw HammerException.usage("invalid TID '" + text + "'");
        }
        try {
            return Long.parseUnsignedLong(s, 16);
        } catch (NumberFormatException e) {
            throw HammerException.usage("invalid TID '" + text + "'");
        }
    }

    /** Parses a TID with base auto-detection (0x hex, otherwise decimal), as mirror-read's begin-tid. */
    public static long parseAuto(String text) {
        if (text.startsWith("0x") || text.startsWith("0X")) {
            return parseHex(text);
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw HammerException.usage("invalid TID '" + text + "'");
        }
    }

    /** True when a record with these TIDs is visible as of {@code asOf}. */
    public static boolean visible(long createTid, long deleteTid, long asOf) {
        return Long.compareUnsigned(createTid, asOf) <= 0
                && (deleteTid == 0 || Long.compareUnsigned(asOf, deleteTid) < 0);
    }
}
