package org.hammer.cli.metrics;

/**
 * What a mount reports for its metrics, called on its hot paths: {@link #NONE} (no metrics) costs
 * a call that does nothing. Free of Prometheus types, so that the mount can hold one without
 * loading the library.
 */
public interface MountProbe {
    MountProbe NONE = new MountProbe() {
    };

    /** A FUSE request with this opcode (include/uapi/linux/fuse.h) arrived. */
    default void operation(int opcode) {
    }

    /** A read returned this many bytes. */
    default void read(long bytes) {
    }

    /** This many bytes of a file were asked of the store ahead of a reader in sequence. */
    default void readAhead(long bytes) {
    }

    /** A write brought this many bytes. */
    default void written(long bytes) {
    }

    /** A write transaction of the mount committed after this many nanoseconds. */
    default void committed(long nanos) {
    }
}
