package org.hammer.core.history;

/** One version of an object: the TID of a change and its time in microseconds since the epoch. */
public record Version(long tid, long tsMicros) {
}
