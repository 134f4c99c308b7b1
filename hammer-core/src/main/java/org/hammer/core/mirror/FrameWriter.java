package org.hammer.core.mirror;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.io.OutputStream;
import org.hammer.core.HammerException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Writes frames; compresses payloads with zstd when a level is set. Not thread-safe. */
final class FrameWriter {
    private final OutputStream out;
    private final int zstdLevel;
    private long seq;
    private long bytes;
    private final byte[] header = new byte[Frames.HEADER];

    FrameWriter(OutputStream out, int zstdLevel) {
        this.out = out;
        this.zstdLevel = zstdLevel;
    }

    /** Writes one frame; the payload must not exceed {@link Frames#MAX_PAYLOAD}. */
    void write(FrameType type, byte[] payload) {
        int flags = 0;
        byte[] body = payload;
        if (zstdLevel > 0 && type == FrameType.RECORDS && payload.length > 256) {
            byte[] z = Zstd.compress(payload, zstdLevel);
            if (z.length < payload.length) {
                body = z;
                flags |= Frames.FLAG_ZSTD;
            }
        }
        if (body.length > Frames.MAX_PAYLOAD) {
            throw new IllegalStateException("frame payload of " + body.length + " bytes is over the limit");
        }
        ByteBuffer h = ByteBuffer.wrap(header);
        h.putInt(Frames.MAGIC).put((byte) type.code).put((byte) flags).putShort((short) 0)
                .putInt((int) seq).putInt(body.length);
        CRC32C crc = new CRC32C();
        crc.update(header, 4, 12);
        crc.update(body, 0, body.length);
        h.putInt((int) crc.getValue());
        try {
            out.write(header);
            out.write(body);
        } catch (IOException e) {
            throw lost(e);
        }
        seq++;
        bytes += Frames.HEADER + body.length;
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
