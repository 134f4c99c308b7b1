package org.hammer.core.mirror;

import java.io.PrintStream;
import org.hammer.core.HammerException;

/**
 * How a mirror runs: two-way handshake, auto-creation of the slave, zstd level, bandwidth limit
 * (bytes/s after compression, 0 = none), timeout (seconds, 0 = none), batch size in bytes,
 * explicit begin TID (one-way), verbosity and where messages go.
 */
public record MirrorOptions(boolean twoWay, boolean createSlave, int zstdLevel, long bandwidth, long timeoutSeconds,
        long batchBytes, Long beginTid, int verbose, boolean quiet, PrintStream log) {

    public static final long DEFAULT_BATCH = 256L << 20;
    /**
     * The target commits its applied records and resume cursor at least this often. Two chunks
     * are in memory at a time (one committing, one arriving) and a young collection copies them.
     */
    public static final long CHUNK = 8L << 20;

    public MirrorOptions {
        if (zstdLevel < 0 || zstdLevel > 19) {
            throw HammerException.usage("-z " + zstdLevel + ": zstd level must be 1..19");
        }
        if (batchBytes <= 0) {
            batchBytes = DEFAULT_BATCH;
        }
        if (log == null) {
            log = System.err;
        }
    }

    public static MirrorOptions defaults() {
        return new MirrorOptions(false, false, 0, 0, 0, DEFAULT_BATCH, null, 0, false, System.err);
    }

    public MirrorOptions withTwoWay(boolean on) {
        return new MirrorOptions(on, createSlave, zstdLevel, bandwidth, timeoutSeconds, batchBytes, beginTid, verbose,
                quiet, log);
    }

    public MirrorOptions withCreateSlave(boolean on) {
        return new MirrorOptions(twoWay, on, zstdLevel, bandwidth, timeoutSeconds, batchBytes, beginTid, verbose,
                quiet, log);
    }

    public MirrorOptions withBatchBytes(long b) {
        return new MirrorOptions(twoWay, createSlave, zstdLevel, bandwidth, timeoutSeconds, b, beginTid, verbose,
                quiet, log);
    }

    public MirrorOptions withBeginTid(Long tid) {
        return new MirrorOptions(twoWay, createSlave, zstdLevel, bandwidth, timeoutSeconds, batchBytes, tid, verbose,
                quiet, log);
    }

    /** Parses {@code N[k|m|g]} (powers of 1024), as hammer's -b and -S. */
    public static long parseSize(String option, String text) {
        String t = text.trim().toLowerCase();
        long mult = 1;
        if (!t.isEmpty()) {
            char c = t.charAt(t.length() - 1);
            if (c == 'k' || c == 'm' || c == 'g') {
                mult = c == 'k' ? 1024 : c == 'm' ? 1024 * 1024 : 1024L * 1024 * 1024;
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            long v = Long.parseLong(t);
            if (v <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw HammerException.usage(option + " " + text + ": expected a positive size N[k|m|g]");
        }
    }
}
