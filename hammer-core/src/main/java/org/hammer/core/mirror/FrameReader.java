package org.hammer.core.mirror;

import com.github.luben.zstd.Zstd;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.hammer.core.HammerException;
import org.hammer.core.transport.Pipe;

/**
 * Reads and checks frames from an untrusted stream: magic, type, length bound, CRC, sequence
 * number and compressed size are all verified before a payload is used, so bad input is a
 * {@link HammerException.Kind#CORRUPT} error, never an OutOfMemoryError.
 */
final class FrameReader {
    private final InputStream in;
    private final String name;
    private long seq;
    private long bytes;
    private final byte[] header = new byte[Frames.HEADER];

    /** The in-memory pipe {@link #in} is, whose payloads may come handed over uncopied; or null. */
    private final Pipe pipe;

    FrameReader(InputStream in, String name) {
        this.in = in;
        this.name = name;
        this.pipe = Pipe.readingFrom(in);
    }

    /** The next frame, or null at a clean end of input (before any byte of a frame). */
    Frame next() {
        int n = readFully(header, 0, Frames.HEADER, true);
        if (n == 0) {
            return null;
        }
        ByteBuffer h = ByteBuffer.wrap(header);
        int magic = h.getInt();
        if (magic != Frames.MAGIC) {
            throw corrupt(String.format("bad frame magic 0x%08x", magic));
        }
        int typeCode = Byte.toUnsignedInt(h.get());
        int flags = Byte.toUnsignedInt(h.get());
        h.getShort();
        long frameSeq = Integer.toUnsignedLong(h.getInt());
        int length = h.getInt();
        int crc = h.getInt();
        if (length < 0 || length > Frames.MAX_PAYLOAD) {
            throw corrupt("frame length " + Integer.toUnsignedString(length) + " over the limit of "
                    + Frames.MAX_PAYLOAD);
        }
        byte[] body = handedOver(length);
        int bodyLength = length;
        if (body == null) {
            body = new byte[length];
            readFully(body, 0, length, false);
        }
        CRC32C c = new CRC32C();
        c.update(header, 4, 12);
        int headerCrc = (int) c.getValue();
        c.update(body, 0, length);
        if ((int) c.getValue() != crc) {
            throw corrupt("frame " + frameSeq + ": CRC mismatch");
        }
        if (frameSeq != (seq & 0xFFFFFFFFL)) {
            throw corrupt("frame " + frameSeq + " where frame " + (seq & 0xFFFFFFFFL)
                    + " was expected (frames dropped, repeated or reordered)");
        }
        FrameType type = FrameType.ofCode(typeCode);
        if (type == null) {
            throw corrupt("frame " + frameSeq + ": unknown type " + typeCode);
        }
        if ((flags & ~Frames.FLAG_ZSTD) != 0) {
            throw corrupt("frame " + frameSeq + ": unknown flags " + flags);
        }
        // The payload's own CRC: taken out of the frame's (no pass over it) unless it was compressed.
        int payloadCrc = Crc32c.suffix(crc, headerCrc, length);
        if ((flags & Frames.FLAG_ZSTD) != 0) {
            body = decompress(body, length, frameSeq);
            bodyLength = body.length;
            payloadCrc = Frame.crc(body, bodyLength);
        }
        seq++;
        bytes += Frames.HEADER + length;
        return new Frame(type, frameSeq, body, bodyLength, payloadCrc);
    }

    /**
     * The payload of {@code length} bytes when the writer handed its array over (an in-memory
     * pipe: the array may be longer than the payload), checked as any other; else null.
     */
    private byte[] handedOver(int length) {
        if (pipe == null) {
            return null;
        }
        try {
            return pipe.takeOver(length);
        } catch (IOException e) {
            throw new HammerException(HammerException.Kind.FAILURE, name + ": lost link: " + e.getMessage(), e);
        }
    }

    private byte[] decompress(byte[] frame, int length, long frameSeq) {
        byte[] body = length == frame.length ? frame : java.util.Arrays.copyOf(frame, length);
        long size = Zstd.getFrameContentSize(body);
        if (size < 0 || size > Frames.MAX_PAYLOAD) {
            throw corrupt("frame " + frameSeq + ": bad compressed payload");
        }
        try {
            byte[] out = Zstd.decompress(body, (int) size);
            if (out.length != size) {
                throw corrupt("frame " + frameSeq + ": bad compressed payload");
            }
            return out;
        } catch (RuntimeException e) {
            if (e instanceof HammerException he) {
                throw he;
            }
            throw corrupt("frame " + frameSeq + ": bad compressed payload");
        }
    }

    private int readFully(byte[] b, int off, int len, boolean eofOk) {
        int done = 0;
        try {
            while (done < len) {
                int r = in.read(b, off + done, len - done);
                if (r < 0) {
                    if (done == 0 && eofOk) {
                        return 0;
                    }
                    throw new EOFException();
                }
                done += r;
            }
        } catch (EOFException e) {
            throw corrupt("stream truncated inside frame " + seq);
        } catch (IOException e) {
            throw new HammerException(HammerException.Kind.FAILURE, name + ": lost link: " + e.getMessage(), e);
        }
        return done;
    }

    long bytes() {
        return bytes;
    }

    HammerException corrupt(String what) {
        return HammerException.corrupt(name + ": " + what);
    }
}
