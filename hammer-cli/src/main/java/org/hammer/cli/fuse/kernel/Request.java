package org.hammer.cli.fuse.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One request from the kernel: the fuse_in_header (len, opcode, unique, nodeid, uid, gid, pid)
 * and accessors for the fixed argument structure and the NUL-terminated names after it. Read from
 * /dev/fuse it is one run of bytes; from a {@link Ring} the header and the first argument
 * structure are in one buffer and the rest of the arguments (names, data) in another, the
 * payload, and an argument offset past the first structure reads the payload. A worker reuses
 * one request over its buffers; nothing here outlives the request.
 */
public final class Request {
    private final ByteBuffer buf;
    /** The arguments after the first {@link #split} bytes, when they are in a buffer of their own. */
    private ByteBuffer payload;
    /** The bytes of argument in {@link #buf}, after the header. */
    private int split;
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
        this.payload = null;
        this.split = length - Protocol.IN_HEADER;
        if (length < Protocol.IN_HEADER || buf.getInt(0) != length) {
            return false;
        }
        return header();
    }

    /**
     * Decodes a request whose header and first {@code first} bytes of argument are in the buffer
     * and whose other {@code rest} bytes of argument start at {@code payload}'s index 0.
     */
    boolean decode(int first, ByteBuffer payload, int rest) {
        this.payload = payload.order(ByteOrder.LITTLE_ENDIAN);
        this.split = first;
        this.length = Protocol.IN_HEADER + first + rest;
        return first >= 0 && rest >= 0 && rest <= payload.capacity() && header();
    }

    private boolean header() {
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
        return in(off, 4).getInt(index(off));
    }

    /** The u64 at {@code off} bytes into the argument. */
    long u64(int off) {
        check(off, 8);
        return in(off, 8).getLong(index(off));
    }

    /** The NUL-terminated name starting {@code off} bytes into the argument. */
    String name(int off) {
        return string(off, nul(off));
    }

    /** The NUL-terminated name after the one starting at {@code off}. */
    String nameAfter(int off) {
        return name(after(off));
    }

    /** Where the name starting at {@code off} ends, past its NUL, as an argument offset. */
    int after(int off) {
        return nul(off) + 1;
    }

    /** {@code n} bytes at {@code off} into the argument, copied. */
    byte[] bytes(int off, int n) {
        check(off, n);
        byte[] b = new byte[n];
        in(off, n).get(index(off), b, 0, n);
        return b;
    }

    /** {@code n} bytes at {@code off} into the argument, copied into a payload of {@code pool}. */
    Payload payload(int off, int n, Payload.Pool pool) {
        check(off, n);
        return pool.copy(in(off, n), index(off), n);
    }

    /** Copies {@code n} bytes at {@code off} into the argument to {@code dst}. */
    void copy(int off, byte[] dst, int n) {
        check(off, n);
        in(off, n).get(index(off), dst, 0, n);
    }

    /** The bytes of the argument after its header. */
    int argLength() {
        return length - Protocol.IN_HEADER;
    }

    /** The buffer holding the {@code n} bytes of argument at {@code off}, which lie in one of the two. */
    private ByteBuffer in(int off, int n) {
        if (off >= split) {
            return payload;
        }
        if (off + n > split) {
            throw new IllegalArgumentException(Protocol.name(opcode) + ": " + n + " bytes at " + off
                    + " cross the end of the first argument (" + split + " bytes)");
        }
        return buf;
    }

    /** The index in {@link #in} of the argument's byte {@code off}. */
    private int index(int off) {
        return off >= split ? off - split : Protocol.IN_HEADER + off;
    }

    /** The argument offset of the NUL ending the name at {@code off}, which lies in one buffer. */
    private int nul(int off) {
        int end = off < split ? split : length - Protocol.IN_HEADER;
        ByteBuffer b = in(off, 0);
        for (int i = off; i < end; i++) {
            if (b.get(index(i)) == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException(Protocol.name(opcode) + ": a name without its NUL");
    }

    private String string(int off, int end) {
        check(off, end - off);
        byte[] b = new byte[end - off];
        in(off, end - off).get(index(off), b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private void check(int off, int n) {
        if (off < 0 || n < 0 || Protocol.IN_HEADER + off + n > length) {
            throw new IllegalArgumentException(Protocol.name(opcode) + ": " + length + " bytes, too short for "
                    + (off + n) + " bytes of argument");
        }
    }
}
