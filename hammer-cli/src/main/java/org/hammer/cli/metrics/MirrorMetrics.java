package org.hammer.cli.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Record;
import org.hammer.core.mirror.StreamStatus;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.transport.Endpoint;

/**
 * The metrics of one mirror-stream, labelled by source and target. The lag is measured when
 * scraped, from the source's store (so a local source is needed: over ssh the source's store is on
 * the other host and the lag gauges are left out): {@code hammer_mirror_lag_tids} is how far the
 * source's newest TID is past the slave's sync point, {@code hammer_mirror_lag_seconds} the age of
 * the oldest change the slave lacks (0 when it has everything). The slave's sync point is read from
 * a local target's store, else it is the last TID the target acknowledged to this stream.
 */
public final class MirrorMetrics implements StreamStatus, AutoCloseable {
    private final MetricsEndpoint endpoint;
    private final Endpoint src;
    private final Endpoint dst;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private volatile double lastSuccess;
    private volatile boolean up;
    private volatile LongSupplier bytes = () -> 0;

    private MirrorMetrics(MetricsEndpoint endpoint, Endpoint src, Endpoint dst) {
        this.endpoint = endpoint;
        this.src = src;
        this.dst = dst;
        register(endpoint.registry(), src.toString(), dst.toString());
    }

    /** Serves the metrics of the stream from {@code src} to {@code dst} on {@code hostPort}. */
    public static MirrorMetrics serve(String hostPort, Endpoint src, Endpoint dst) {
        MetricsEndpoint e = MetricsEndpoint.listen(hostPort);
        try {
            return new MirrorMetrics(e, src, dst);
        } catch (RuntimeException x) {
            e.close();
            throw x;
        }
    }

    /** Where the stream's byte count comes from (the stream is made after its listeners). */
    public void countBytes(LongSupplier sent) {
        bytes = sent;
    }

    public int port() {
        return endpoint.port();
    }

    private void register(PrometheusRegistry r, String s, String t) {
        GaugeWithCallback.builder().name("hammer_mirror_lag_seconds")
                .help("Age of the oldest change on the source that the slave does not have yet (0: up to date)")
                .labelNames("source", "target").callback(cb -> {
                    Lag lag = lag();
                    if (lag != null) {
                        cb.call(lag.seconds(), s, t);
                    }
                }).register(r);
        GaugeWithCallback.builder().name("hammer_mirror_lag_tids")
                .help("How far the source's newest TID is past the slave's sync-end-tid")
                .labelNames("source", "target").callback(cb -> {
                    Lag lag = lag();
                    if (lag != null) {
                        cb.call(lag.tids(), s, t);
                    }
                }).register(r);
        CounterWithCallback.builder().name("hammer_mirror_bytes_total")
                .help("Stream bytes sent by the source, over all sessions")
                .labelNames("source", "target").callback(cb -> cb.call(bytes.getAsLong(), s, t)).register(r);
        CounterWithCallback.builder().name("hammer_mirror_records_total")
                .help("Records in the batches the target acknowledged (counted where the source is local)")
                .labelNames("source", "target").callback(cb -> cb.call(records.get(), s, t)).register(r);
        CounterWithCallback.builder().name("hammer_mirror_reconnects_total")
                .help("Sessions that ended (lost link, -t timer, source or target missing) and were retried")
                .labelNames("source", "target").callback(cb -> cb.call(reconnects.get(), s, t)).register(r);
        GaugeWithCallback.builder().name("hammer_mirror_last_success_timestamp_seconds")
                .help("When the slave last acknowledged a batch or was seen up to date (Unix time; 0: never)")
                .labelNames("source", "target").callback(cb -> cb.call(lastSuccess, s, t)).register(r);
        GaugeWithCallback.builder().name("hammer_mirror_up")
                .help("1 while a session between source and target is running, else 0")
                .labelNames("source", "target").callback(cb -> cb.call(up ? 1 : 0, s, t)).register(r);
    }

    /** The lag now, or null when it cannot be known (remote source, or a side not there). */
    private Lag lag() {
        if (src.remote()) {
            return null;
        }
        long slave = slaveTid();
        if (slave == 0) {
            return null;
        }
        try (PfsPath p = PfsPath.resolve(src.path())) {
            return p.store().read(r -> {
                long newest = PfsTable.syncEndTid(r, PfsTable.get(r, p.pfs()));
                if (Long.compareUnsigned(newest, slave) <= 0) {
                    return new Lag(0, 0);
                }
                long[] oldest = {0};
                r.scanChanges(p.pfs(), slave, null, newest, (tid, key) -> {
                    Record rec = r.get(key);
                    if (rec != null) {
                        oldest[0] = tid == key.createTid() ? rec.createTs() : rec.deleteTs();
                    }
                    return false;
                });
                double age = oldest[0] == 0 ? 0 : Math.max(0, System.currentTimeMillis() / 1e3 - oldest[0] / 1e6);
                return new Lag(age, (double) (newest - slave));
            });
        } catch (HammerException e) {
            return null;
        }
    }

    /** The slave's sync-end-tid: read from a local target, else the last one acknowledged; 0 if unknown. */
    private long slaveTid() {
        if (!dst.remote()) {
            try (PfsPath p = PfsPath.resolve(dst.path())) {
                return p.store().read(r -> PfsTable.get(r, p.pfs()).syncEndTid());
            } catch (HammerException e) {
                return 0;
            }
        }
        return acknowledged.get();
    }

    private record Lag(double seconds, double tids) {
    }

    private void success(long tid) {
        acknowledged.accumulateAndGet(tid, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
        lastSuccess = System.currentTimeMillis() / 1e3;
        up = true;
    }

    @Override
    public void running(long tid) {
        if (tid == 0) {
            up = true;
        }
    }

    @Override
    public void waiting(long tid) {
        success(tid);
    }

    @Override
    public void synced(long tid, long batchRecords, long batchBytes) {
        records.addAndGet(batchRecords);
        success(tid);
    }

    @Override
    public void lost(String why) {
        up = false;
        reconnects.incrementAndGet();
    }

    @Override
    public void stopped(String why) {
        up = false;
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
