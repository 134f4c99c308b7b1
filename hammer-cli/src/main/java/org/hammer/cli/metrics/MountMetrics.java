package org.hammer.cli.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The metrics of one mount, labelled by its mount point: FUSE operations by kind, bytes read and
 * written, the time each write transaction took to commit, and the write-back queue (data
 * written but not yet committed).
 */
public final class MountMetrics implements MountProbe, AutoCloseable {
    /** FUSE opcodes (include/uapi/linux/fuse.h) and their names; null: not one a mount sees. */
    private static final String[] OPS = new String[64];

    static {
        String[] names = {null, "lookup", "forget", "getattr", "setattr", "readlink", "symlink", null, "mknod",
            "mkdir", "unlink", "rmdir", "rename", "link", "open", "read", "write", "statfs", "release", null,
            "fsync", "setxattr", "getxattr", "listxattr", "removexattr", "flush", "init", "opendir", "readdir",
            "releasedir", "fsyncdir", "getlk", "setlk", "setlkw", "access", "create", "interrupt", "bmap",
            "destroy", "ioctl", "poll", "notify_reply", "batch_forget", "fallocate", "readdirplus", "rename2",
            "lseek", "copy_file_range"};
        System.arraycopy(names, 0, OPS, 0, names.length);
    }

    private final MetricsEndpoint endpoint;
    private final String mountPoint;
    private final AtomicLongArray operations = new AtomicLongArray(OPS.length + 1);
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong readAhead = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Histogram commits;
    private volatile LongSupplier queuedBytes = () -> 0;
    private volatile LongSupplier queuedTasks = () -> 0;

    private MountMetrics(MetricsEndpoint endpoint, String mountPoint) {
        this.endpoint = endpoint;
        this.mountPoint = mountPoint;
        var r = endpoint.registry();
        CounterWithCallback.builder().name("hammer_mount_operations_total")
                .help("FUSE requests the mount received, by operation").labelNames("mountpoint", "op")
                .callback(cb -> {
                    for (int i = 0; i <= OPS.length; i++) {
                        long n = operations.get(i);
                        if (n > 0) {
                            cb.call(n, mountPoint, i < OPS.length && OPS[i] != null ? OPS[i] : "other");
                        }
                    }
                }).register(r);
        CounterWithCallback.builder().name("hammer_mount_read_bytes_total").help("Bytes read through the mount")
                .labelNames("mountpoint").callback(cb -> cb.call(read.get(), mountPoint)).register(r);
        CounterWithCallback.builder().name("hammer_mount_read_ahead_bytes_total")
                .help("Bytes of files asked of the store ahead of readers in sequence").labelNames("mountpoint")
                .callback(cb -> cb.call(readAhead.get(), mountPoint)).register(r);
        CounterWithCallback.builder().name("hammer_mount_written_bytes_total").help("Bytes written through the mount")
                .labelNames("mountpoint").callback(cb -> cb.call(written.get(), mountPoint)).register(r);
        commits = Histogram.builder().name("hammer_mount_commit_seconds")
                .help("Time a write transaction of the mount took, from its first change to its commit")
                .labelNames("mountpoint").classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .withoutExemplars().register(r);
        commits.labelValues(mountPoint);
        GaugeWithCallback.builder().name("hammer_mount_writeback_queue_bytes")
                .help("Data written through the mount and not yet committed to the store").labelNames("mountpoint")
                .callback(cb -> cb.call(queuedBytes.getAsLong(), mountPoint)).register(r);
        GaugeWithCallback.builder().name("hammer_mount_writeback_queue_tasks")
                .help("Changes waiting for the mount's writer").labelNames("mountpoint")
                .callback(cb -> cb.call(queuedTasks.getAsLong(), mountPoint)).register(r);
    }

    /** Serves the metrics of the mount on {@code mountPoint} on {@code hostPort}. */
    public static MountMetrics serve(String hostPort, String mountPoint) {
        MetricsEndpoint e = MetricsEndpoint.listen(hostPort);
        try {
            return new MountMetrics(e, mountPoint);
        } catch (RuntimeException x) {
            e.close();
            throw x;
        }
    }

    /** Where the write-back queue's size comes from (the writer is made after the metrics). */
    public void watchQueue(LongSupplier bytes, LongSupplier tasks) {
        queuedBytes = bytes;
        queuedTasks = tasks;
    }

    @Override
    public void operation(int opcode) {
        operations.incrementAndGet(opcode >= 0 && opcode < OPS.length ? opcode : OPS.length);
    }

    @Override
    public void read(long bytes) {
        read.addAndGet(bytes);
    }

    @Override
    public void readAhead(long bytes) {
        readAhead.addAndGet(bytes);
    }

    @Override
    public void written(long bytes) {
        written.addAndGet(bytes);
    }

    @Override
    public void committed(long nanos) {
        commits.labelValues(mountPoint).observe(nanos / 1e9);
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
