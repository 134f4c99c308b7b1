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

    /** A frame that shrinks by less than 1/WORTH of its size counts as incompressible. */
    static final int WORTH = 32;
    /** At most this many frames in a row go out without an attempt at compressing them. */
    static final int MAX_SKIP = 15;
    private byte[] scratch = new byte[0];
    /** How much of a frame goes out in its first write, header included (a pipe's capacity). */
    static final int LEAD = 64 << 10;
    /** The header and the start of the body, copied together. */
    private byte[] lead;
    private int skip;
    private int backoff;
    private long attempts;
    private long wholeFrames;
    private long samples;
    /** The part of a frame tried first after incompressible frames. */
    static final int SAMPLE = 64 << 10;

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
        if (zstdLevel > 0 && type == FrameType.RECORDS && length > 256 && compressNext()) {
            int z = backoff > 0 && length >= 4 * SAMPLE && !sampleCompresses(payload, length) ? length
                    : compress(payload, length);
            compressed(z, length);
            if (z < length) {
                // An array handed over must be the reader's alone; the scratch array is reused.
                body = handOver ? java.util.Arrays.copyOf(scratch, z) : scratch;
                size = z;
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
            // The payload's own CRC, for a stream checksum: taken out of the frame's unless compressed,
            // then the one the caller made as it wrote the payload, if it did.
            lastPayloadCrc = body == payload ? Crc32c.suffix(frameCrc, headerCrc, size)
                    : payloadCrc != null ? payloadCrc : Frame.crc(payload, length);
        }
        h.putInt(frameCrc);
        try {
            if (handOver) {
                out.write(header);
                Pipe.handOver(out, body, size);
            } else {
                writeOut(body, size);
            }
        } catch (IOException e) {
            throw lost(e);
        }
        seq++;
        bytes += Frames.HEADER + size;
        return handOver && body == payload;
    }

    /**
     * Writes the header and {@code body[0, size)}: the header together with the start of the body,
     * then the rest in one piece. Written apart, the header would be a write of its own before
     * each payload, which a remote shell reads and sends as a packet of its own, and a pipe reader
     * wakes for: one more trip through ssh, sshd and the reader per frame.
     */
    private void writeOut(byte[] body, int size) throws IOException {
        int first = Math.min(size, LEAD - Frames.HEADER);
        if (lead == null) {
            lead = new byte[Frames.HEADER + first];
        } else if (lead.length < Frames.HEADER + first) {
            lead = new byte[LEAD];
        }
        System.arraycopy(header, 0, lead, 0, Frames.HEADER);
        System.arraycopy(body, 0, lead, Frames.HEADER, first);
        out.write(lead, 0, Frames.HEADER + first);
        if (size > first) {
            out.write(body, first, size - first);
        }
    }

    /**
     * Whether the next RECORDS frame is worth an attempt at compressing. Data that does not
     * compress (media, archives, encrypted or already compressed files) costs zstd as much CPU as
     * data that does, for nothing: after a frame that saved less than {@link #WORTH} of its size,
     * the next one, then two, four, up to {@link #MAX_SKIP} frames go out as they are, and the one
     * after them is tried again; a frame that compresses ends the skipping.
     */
    private boolean compressNext() {
        if (skip > 0) {
            skip--;
            return false;
        }
        attempts++;
        return true;
    }

    /** Learns from one attempt: {@code z} bytes for {@code length}. */
    private void compressed(int z, int length) {
        if ((long) z * WORTH < (long) length * (WORTH - 1)) {
            backoff = 0;
        } else {
            backoff = Math.min(MAX_SKIP, Math.max(1, backoff * 2));
            skip = backoff;
        }
    }

    /**
     * Whether {@link #SAMPLE} bytes from the middle of a frame compress by {@link #WORTH}: tried
     * first on a frame that comes after incompressible ones, so that retrying costs zstd a
     * sixteenth of a frame instead of all of it (ZFS's early abort does the same). A frame whose
     * sample compresses is then compressed whole.
     */
    private boolean sampleCompresses(byte[] payload, int length) {
        samples++;
        int z = compress(payload, (length - SAMPLE) / 2, SAMPLE);
        return (long) z * WORTH < (long) SAMPLE * (WORTH - 1);
    }

    /** Compresses {@code payload[0, length)} into {@link #scratch}; its size. */
    private int compress(byte[] payload, int length) {
        wholeFrames++;
        return compress(payload, 0, length);
    }

    private int compress(byte[] payload, int offset, int length) {
        int bound = (int) Zstd.compressBound(length);
        if (scratch.length < bound) {
            scratch = new byte[bound];
        }
        long z = Zstd.compressByteArray(scratch, 0, scratch.length, payload, offset, length, zstdLevel);
        if (Zstd.isError(z)) {
            throw new IllegalStateException("zstd: " + Zstd.getErrorName(z));
        }
        return (int) z;
    }

    /** RECORDS frames this writer tried to compress. */
    long compressAttempts() {
        return attempts;
    }

    /** Of those, the frames compressed whole, and the tries that compressed a sample only. */
    long[] compressedWholeAndSampled() {
        return new long[] {wholeFrames, samples};
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
