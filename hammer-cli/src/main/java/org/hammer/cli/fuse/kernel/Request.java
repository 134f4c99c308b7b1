package org.hammer.cli.fuse.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One request from the kernel as read from /dev/fuse: the fuse_in_header (len, opcode, unique,
 * nodeid, uid, gid, pid) and accessors for the fixed argument structure and the NUL-terminated
 * names after it. A worker reuses one request over its buffer; nothing here outlives the request.
 */
public final class Request {
    private final ByteBuffer buf;
    private int length;
    private int opcode;
    private long unique;
    private long nodeId;
    private int uid;
    private int gid;
    private int pid;

    Request(ByteBuffer buf) {
        this.buf = buf.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Decodes the header of the {@code length} bytes now in the buffer; false if too short for one. */
    boolean decode(int length) {
        this.length = length;
        if (length < Protocol.IN_HEADER || buf.getInt(0) != length) {
            return false;
        }
        opcode = buf.getInt(4);
        unique = buf.getLong(8);
        nodeId = buf.getLong(16);
        uid = buf.getInt(24);
        gid = buf.getInt(28);
        pid = buf.getInt(32);
        return true;
    }

    public int opcode() {
        return opcode;
    }

    public long unique() {
        return unique;
    }

    /** The node the request is about (1 is the root). */
    public long nodeId() {
        return nodeId;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    public int pid() {
        return pid;
    }

    int length() {
        return length;
    }

    /** The u32 at {@code off} bytes into the argument. */
    int u32(int off) {
        check(off, 4);
        return buf.getInt(Protocol.IN_HEADER + off);
    }

    /** The u64 at {@code off} bytes into the argument. */
    long u64(int off) {
        check(off, 8);
        return buf.getLong(Protocol.IN_HEADER + off);
    }

    /** The NUL-terminated name starting {@code off} bytes into the argument. */
    String name(int off) {
        int start = Protocol.IN_HEADER + off;
        int end = nul(start);
        return string(start, end);
    }

    /** The NUL-terminated name after the one starting at {@code off}. */
    String nameAfter(int off) {
        int start = nul(Protocol.IN_HEADER + off) + 1;
        return string(start, nul(start));
    }

    /** Where the name starting at {@code off} ends, past its NUL, as an argument offset. */
    int after(int off) {
        return nul(Protocol.IN_HEADER + off) + 1 - Protocol.IN_HEADER;
    }

    /** {@code n} bytes at {@code off} into the argument, copied. */
    byte[] bytes(int off, int n) {
        check(off, n);
        byte[] b = new byte[n];
        buf.get(Protocol.IN_HEADER + off, b, 0, n);
        return b;
    }

    /** {@code n} bytes at {@code off} into the argument, copied into a payload of {@code pool}. */
    Payload payload(int off, int n, Payload.Pool pool) {
        check(off, n);
        return pool.copy(buf, Protocol.IN_HEADER + off, n);
    }

    /** Copies {@code n} bytes at {@code off} into the argument to {@code dst}. */
    void copy(int off, byte[] dst, int n) {
        check(off, n);
        buf.get(Protocol.IN_HEADER + off, dst, 0, n);
    }

    /** The bytes of the argument after its header. */
    int argLength() {
        return length - Protocol.IN_HEADER;
    }

    private int nul(int start) {
        for (int i = start; i < length; i++) {
            if (buf.get(i) == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException(Protocol.name(opcode) + ": a name without its NUL");
    }

    private String string(int start, int end) {
        byte[] b = new byte[end - start];
        buf.get(start, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private void check(int off, int n) {
        if (off < 0 || n < 0 || Protocol.IN_HEADER + off + n > length) {
            throw new IllegalArgumentException(Protocol.name(opcode) + ": " + length + " bytes, too short for "
                    + (off + n) + " bytes of argument");
        }
    }
}
