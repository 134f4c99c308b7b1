package org.hammer.core.snapshot;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.hammer.core.HammerException;

/**
 * One snapshot: the retained TID, when it was taken (µs since the epoch) and its note. Encoded as
 * HAMMER's {@code hammer_snapshot_data}: tid u64, ts u64, reserved u64, label (at most 64 bytes).
 */
public record Snapshot(long tid, long tsMicros, String note) {
    /** HAMMER's label[64]. */
    public static final int NOTE_MAX = 64;

    public Snapshot {
        note = note == null ? "" : clip(note);
    }

    public byte[] encode() {
        byte[] n = note.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(24 + n.length).putLong(tid).putLong(tsMicros).putLong(0).put(n).array();
    }

    public static Snapshot decode(byte[] data) {
        if (data.length < 24) {
            throw HammerException.corrupt("snapshot record: " + data.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        long tid = b.getLong();
        long ts = b.getLong();
        return new Snapshot(tid, ts, new String(data, 24, data.length - 24, StandardCharsets.UTF_8));
    }

    /** Cuts a note to {@link #NOTE_MAX} bytes of UTF-8 without splitting a character. */
    static String clip(String note) {
        byte[] b = note.getBytes(StandardCharsets.UTF_8);
        if (b.length <= NOTE_MAX) {
            return note;
        }
        int end = NOTE_MAX;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(Arrays.copyOf(b, end), StandardCharsets.UTF_8);
    }
}
