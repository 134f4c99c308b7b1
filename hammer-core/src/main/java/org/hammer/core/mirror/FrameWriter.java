package org.hammer.core.mirror;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.hammer.core.HammerException;
import org.hammer.core.transport.Pipe;
import java.util.zip.CRC32C;

/** Writes frames; compresses payloads with zstd when a level is set. Not thread-safe. */
final class FrameWriter {
    private final OutputStream out;
    private final int zstdLevel;
    private long seq;
    private long bytes;
    private final byte[] header = new byte[Frames.HEADER];

    /** The in-memory pipe {@link #out} writes to, to which a payload can be handed over uncopied; or null. */
    private final Pipe pipe;

    FrameWriter(OutputStream out, int zstdLevel) {
        this.out = out;
        this.zstdLevel = zstdLevel;
        this.pipe = Pipe.writingTo(out);
    }

    /** Writes one frame; the payload must not exceed {@link Frames#MAX_PAYLOAD}. */
    void write(FrameType type, byte[] payload) {
        write(type, payload, payload.length);
    }

    /** The CRC32C of the payload of the frame written last (before any compression). */
    private int lastPayloadCrc;

    int lastPayloadCrc() {
        return lastPayloadCrc;
    }

    /** Writes one frame of {@code payload[0, length)}; the array may be reused once this returns. */
    void write(FrameType type, byte[] payload, int length) {
        write(type, payload, length, false, null);
    }

    /**
     * Writes one frame of {@code payload[0, length)} and, to an in-memory pipe, may hand the array
     * itself to the reader instead of copying it: then it returns true, and the caller must never
     * touch the array again. The frame and its CRC are the same either way.
     */
    boolean writeHandingOver(FrameType type, byte[] payload, int length) {
        return write(type, payload, length, pipe != null, null);
    }

    /**
     * As {@link #writeHandingOver(FrameType, byte[], int)}, for a payload whose CRC32C the caller
     * made as it wrote it: the frame's CRC is made from it, without a pass over the payload (the
     * target checks every byte against it).
     */
    boolean writeHandingOver(FrameType type, byte[] payload, int length, int payloadCrc) {
        return write(type, payload, length, pipe != null, payloadCrc);
    }

    private boolean write(FrameType type, byte[] payload, int length, boolean handOver, Integer payloadCrc) {
        int flags = 0;
        byte[] body = payload;
        int size = length;
        if (zstdLevel > 0 && type == FrameType.RECORDS && length > 256) {
            byte[] z = Zstd.compress(length == payload.length ? payload : java.util.Arrays.copyOf(payload, length),
                    zstdLevel);
            if (z.length < length) {
                body = z;
                size = z.length;
                flags |= Frames.FLAG_ZSTD;
            }
        }
        if (size > Frames.MAX_PAYLOAD) {
            throw new IllegalStateException("frame payload of " + size + " bytes is over the limit");
        }
        ByteBuffer h = ByteBuffer.wrap(header);
        h.putInt(Frames.MAGIC).put((byte) type.code).put((byte) flags).putShort((short) 0)
                .putInt((int) seq).putInt(size);
        CRC32C crc = new CRC32C();
        crc.update(header, 4, 12);
        int headerCrc = (int) crc.getValue();
        int frameCrc;
        if (payloadCrc != null && body == payload) {
            frameCrc = Crc32c.combine(headerCrc, payloadCrc, size);
            lastPayloadCrc = payloadCrc;
        } else {
            crc.update(body, 0, size);
            frameCrc = (int) crc.getValue();
            // The payload's own CRC, for a stream checksum: taken out of the frame's unless compressed.
            lastPayloadCrc = body == payload ? Crc32c.suffix(frameCrc, headerCrc, size) : Frame.crc(payload, length);
        }
        h.putInt(frameCrc);
        try {
            out.write(header);
            if (handOver) {
                Pipe.handOver(out, body, size);
            } else {
                out.write(body, 0, size);
            }
        } catch (IOException e) {
            throw lost(e);
        }
        seq++;
        bytes += Frames.HEADER + size;
        return handOver && body == payload;
    }

    void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw lost(e);
        }
    }

    private static HammerException lost(IOException e) {
        return new HammerException(HammerException.Kind.FAILURE, "lost link to the peer: " + e.getMessage(), e);
    }

    /** Bytes written so far, headers included (after compression). */
    long bytes() {
        return bytes;
    }
}
