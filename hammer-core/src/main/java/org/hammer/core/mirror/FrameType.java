package org.hammer.core.mirror;

/** The message a frame holds, by its one-byte type code on the wire. */
enum FrameType {
    HELLO(1), PFSD(2), BATCH(3), RECORDS(4), SYNC(5), UPDATE(6), IDLE(7), TERM(8), ERROR(9);

    private static final FrameType[] BY_CODE = new FrameType[16];

    static {
        for (FrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    final int code;

    FrameType(int code) {
        this.code = code;
    }

    static FrameType ofCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
