package org.hammer.core.mirror;

/**
 * One received frame: its type, sequence number and (decompressed) payload, the first
 * {@code length} bytes of {@code payload}, and the CRC32C of those bytes. The array belongs to the
 * frame: nothing writes to it afterwards, so records parsed from it may alias it.
 */
record Frame(FrameType type, long seq, byte[] payload, int length, int payloadCrc) {
    Frame(FrameType type, long seq, byte[] payload) {
        this(type, seq, payload, payload.length, crc(payload, payload.length));
    }

    static int crc(byte[] b, int length) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b, 0, length);
        return (int) c.getValue();
    }

    /** The payload as an array of its own length (a copy only when the array is longer). */
    byte[] bytes() {
        return length == payload.length ? payload : java.util.Arrays.copyOf(payload, length);
    }
}
