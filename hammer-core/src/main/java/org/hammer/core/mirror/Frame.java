package org.hammer.core.mirror;

/** One received frame: its type, sequence number and (decompressed) payload. */
record Frame(FrameType type, long seq, byte[] payload) {
}
