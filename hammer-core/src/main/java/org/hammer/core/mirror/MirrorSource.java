package org.hammer.core.mirror;

import com.google.protobuf.ByteString;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;
import org.hammer.core.HammerException;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.store.Store;
import org.hammer.core.tid.Tid;
import org.hammer.proto.Batch;
import org.hammer.proto.Idle;
import org.hammer.proto.Pfsd;
import org.hammer.proto.Records;
import org.hammer.proto.Sync;
import org.hammer.proto.Term;
import org.hammer.proto.Update;

/**
 * mirror-read: sends the changes of a PFS between the target's sync point and the source's
 * sync-end-tid, read from the change index, in batches that each end in SYNC (DESIGN.md §6.2).
 * Reads happen in short read transactions, one frame's worth at a time, so a slow or stalled
 * target never pins old pages of the store.
 */
public final class MirrorSource {
    private final Store store;
    private final int pfs;
    private final String path;
    private final MirrorOptions opts;
    private final long started = System.nanoTime();
    private final ChangeReader reader;
    private final StreamStatus status;
    private Handshake handshake;
    private FrameWriter out;
    private FrameReader in;
    private long batches;
    private long records;
    private long dataBytes;
    private long synced;
    /** A batch whose SYNC went out and whose UPDATE has not been read yet; or null. */
    private Sent unacknowledged;
    private long lastProgress = System.nanoTime();
    /** Records this run may send in all, as counted when its current round began; -1 before. */
    private long expected = -1;
    /** The newest TID this source sends (0: whatever is durable). */
    private long cap;

    public MirrorSource(Store store, int pfs, String path, MirrorOptions opts) {
        this(store, pfs, path, opts, StreamStatus.NONE);
    }

    /** As above, telling {@code status} of each batch the target acknowledges. */
    public MirrorSource(Store store, int pfs, String path, MirrorOptions opts, StreamStatus status) {
        this.status = status;
        this.store = store;
        this.pfs = pfs;
        this.path = path;
        this.opts = opts;
        this.reader = new ChangeReader(store, pfs, opts.batchBytes());
    }

    /**
     * Sends nothing newer than {@code tid}, so that a rerun can send exactly the same changes
     * (an object-store upload resumed after an interruption); returns this source.
     */
    public MirrorSource upTo(long tid) {
        this.cap = tid;
        return this;
    }

    /** Sends one mirror (everything up to the current sync-end-tid) and TERM. */
    public MirrorStats run(InputStream fromTarget, OutputStream toTarget) {
        return run(fromTarget, toTarget, null);
    }

    /**
     * Sends batches; with {@code waitForMore} non-null (mirror-stream) keeps going, calling it
     * between rounds until it returns false.
     */
    public MirrorStats run(InputStream fromTarget, OutputStream toTarget, BooleanSupplier waitForMore) {
        out = new FrameWriter(opts.bandwidth() > 0 ? new ThrottledOutputStream(toTarget, opts.bandwidth()) : toTarget,
                opts.zstdLevel());
        in = opts.twoWay() ? new FrameReader(fromTarget, path + ": stream from target") : null;
        try {
            return session(waitForMore);
        } catch (HammerException e) {
            if (e.kind() == HammerException.Kind.REFUSED || e.kind() == HammerException.Kind.CORRUPT) {
                Handshake.sendError(out, e);
            }
            throw e;
        }
    }

    private MirrorStats session(BooleanSupplier waitForMore) {
        PfsConfig cfg = store.read(r -> PfsTable.get(r, pfs));
        long end = currentEnd();
        handshake = new Handshake(out, in, path);
        handshake.sendHello(opts.zstdLevel() > 0, Frames.minVersionOf(store));
        out.write(FrameType.PFSD, Codec.pfsd(cfg, end, path, true).toByteArray());
        out.flush();
        long beg;
        ResumePoint resume = null;
        if (opts.twoWay()) {
            handshake.expectHello();
            Pfsd target = handshake.expectPfsd();
            Handshake.checkPair(cfg, end, path, target, true);
            beg = target.getSyncEndTid();
            if (!target.getCursorKey().isEmpty() && (target.getCursorTid() == 0
                    || Long.compareUnsigned(target.getCursorTid(), beg) > 0)) {
                resume = new ResumePoint(target.getCursorTid(), Codec.key(target.getCursorKey(), "target"));
            }
        } else {
            beg = opts.beginTid() != null ? opts.beginTid() : Tid.INITIAL_SYNC;
        }
        synced = beg;
        if (Long.compareUnsigned(beg, cfg.syncBegTid()) < 0 || resume != null && resume.tid() == 0) {
            end = currentEnd();
            if (!opts.quiet() && opts.verbose() > 0) {
                opts.log().println("Mirror-read " + path + ": target at " + Tid.format(beg)
                        + " is older than the retained history (" + Tid.format(cfg.syncBegTid())
                        + "); reconciling by key");
            }
            beg = reconcile(beg, resume, end, cfg.syncBegTid());
            resume = null;
            if (beg == 0) {
                return stop(true, "timeout of " + opts.timeoutSeconds() + " s reached");
            }
        }
        while (true) {
            end = currentEnd();
            expected = -1;
            if (Long.compareUnsigned(beg, end) >= 0) {
                out.write(FrameType.IDLE, Idle.newBuilder().setTid(beg).build().toByteArray());
                out.flush();
            }
            while (Long.compareUnsigned(beg, end) < 0) {
                if (timedOut()) {
                    return stop(true, "timeout of " + opts.timeoutSeconds() + " s reached");
                }
                long reached = sendBatch(beg, resume, end, cfg.syncBegTid());
                resume = null;
                if (reached == 0) {
                    return stop(true, "timeout of " + opts.timeoutSeconds() + " s reached");
                }
                beg = reached;
            }
            awaitAcknowledgement();
            if (waitForMore == null || !waitForMore.getAsBoolean()) {
                return stop(false, "");
            }
            // A streaming source checks its timer after each round, idle ones included (HAMMER
            // checks after each kernel batch, and a stream with nothing to send makes empty ones).
            if (timedOut()) {
                return stop(true, "timeout of " + opts.timeoutSeconds() + " s reached");
            }
        }
    }

    /**
     * Sends a reconciliation batch: every record the target may still hold live, in key order
     * (DESIGN.md §6.5). Returns its end TID, 0 on timeout.
     */
    private long reconcile(long targetEnd, ResumePoint resume, long end, long sourceBeg) {
        Batch.Builder b = Batch.newBuilder().setBegTid(targetEnd).setEndTid(end).setSourceBegTid(sourceBeg)
                .setReconcile(true);
        if (resume != null && resume.tid() == 0) {
            b.setResumeKey(ByteString.copyFrom(resume.key().toBytes()));
        }
        out.write(FrameType.BATCH, b.build().toByteArray());
        int crc = 0;
        RecordKey pos = resume != null && resume.tid() == 0 ? resume.key() : null;
        long bytes = 0;
        long n = 0;
        long t0 = System.nanoTime();
        while (true) {
            ChangeReader.KeyChunk chunk = reader.keys(pos, targetEnd, end);
            if (!chunk.recs().isEmpty()) {
                byte[] payload = Records.newBuilder().addAllRecs(chunk.recs()).build().toByteArray();
                out.writeHandingOver(FrameType.RECORDS, payload, payload.length);
                crc = Crc32c.combine(crc, out.lastPayloadCrc(), payload.length);
                bytes += payload.length;
                n += chunk.recs().size();
                dataBytes += chunk.dataBytes();
                pos = chunk.last();
            }
            if (chunk.done()) {
                break;
            }
            if (timedOut()) {
                return 0;
            }
        }
        return finishBatch(targetEnd, end, crc, n, bytes, t0);
    }

    /** The TID the target has acknowledged so far in this run: where a streaming round starts. */
    public long sentTid() {
        return synced;
    }

    /** The newest durable TID the source can send: a master's newest commit, a slave's sync point. */
    private long currentEnd() {
        long now = store.read(r -> PfsTable.syncEndTid(r, PfsTable.get(r, pfs)));
        long end = cap != 0 && Long.compareUnsigned(cap, now) < 0 ? cap : now;
        // Only durable TIDs are sent: whatever committed up to end is flushed before it goes out.
        store.sync();
        return end;
    }

    private boolean timedOut() {
        return opts.timeoutSeconds() > 0 && System.nanoTime() - started > opts.timeoutSeconds() * 1_000_000_000L;
    }

    private MirrorStats stop(boolean interrupted, String reason) {
        awaitAcknowledgement();
        out.write(FrameType.TERM, Term.newBuilder().setInterrupted(interrupted).setReason(reason).build().toByteArray());
        out.flush();
        if (interrupted && !opts.quiet()) {
            opts.log().println("Mirror-read " + path + " interrupted: " + reason + "; the next run resumes here");
        }
        return stats(interrupted);
    }

    MirrorStats stats(boolean interrupted) {
        return new MirrorStats(batches, records, dataBytes, out.bytes(), synced, interrupted);
    }

    private record ResumePoint(long tid, RecordKey key) {
    }

    /** Sends one batch starting after {@code beg} (or the resume point); returns its end TID, 0 on timeout. */
    private long sendBatch(long beg, ResumePoint resume, long end, long sourceBeg) {
        Batch.Builder b = Batch.newBuilder().setBegTid(beg).setEndTid(end).setSourceBegTid(sourceBeg);
        if (expected < 0) {
            long remaining = reader.count(resume == null ? beg : resume.tid(), resume == null ? null : resume.key(), end);
            expected = records + remaining;
            b.setChanges(remaining);
        } else {
            b.setChanges(expected - records);
        }
        if (resume != null) {
            b.setResumeTid(resume.tid()).setResumeKey(ByteString.copyFrom(resume.key().toBytes()));
        }
        out.write(FrameType.BATCH, b.build().toByteArray());
        int crc = 0;
        long posTid = resume == null ? beg : resume.tid();
        RecordKey posKey = resume == null ? null : resume.key();
        long batchBytes = 0;
        long batchRecords = 0;
        long lastTid = beg;
        long t0 = System.nanoTime();
        while (true) {
            ChangeReader.Chunk chunk = reader.changes(posTid, posKey, end, batchBytes);
            if (chunk.count() > 0) {
                int length = chunk.length();
                if (out.writeHandingOver(FrameType.RECORDS, chunk.payload(), length, chunk.payloadCrc())) {
                    reader.handedOver();
                }
                crc = Crc32c.combine(crc, out.lastPayloadCrc(), length);
                batchBytes += chunk.length();
                batchRecords += chunk.count();
                dataBytes += chunk.dataBytes();
                progress(beg, end, chunk.lastTid(), records + batchRecords);
                status.progress(records + batchRecords, out.bytes(), expected);
            }
            lastTid = chunk.lastTid();
            posTid = chunk.lastTid();
            posKey = chunk.lastKey();
            if (chunk.done() || chunk.cut()) {
                return finishBatch(beg, chunk.done() ? end : lastTid, crc, batchRecords, batchBytes, t0);
            }
            if (timedOut()) {
                return 0;
            }
        }
    }

    /** A batch sent in full: its TID range, what it carried, and when it began. */
    private record Sent(long beg, long end, long records, long bytes, long t0) {
    }

    /**
     * Ends a batch with SYNC. Two-way, the target's UPDATE for it is read only when the next
     * batch ends (or this round does): meanwhile the next batch's records stream while the target
     * commits and syncs this one, where a wait for the UPDATE would leave the link idle for the
     * target's commit and the round trip, and then ramp it up again. A batch starts where the one
     * before it ended, and the target applies frames in order, so the order of events on the
     * target is the same either way; at most one batch is unacknowledged.
     */
    private long finishBatch(long beg, long batchEnd, int crc, long batchRecords, long batchBytes, long t0) {
        awaitAcknowledgement();
        out.write(FrameType.SYNC, Sync.newBuilder().setEndTid(batchEnd).setStreamCrc(crc)
                .setRecords(batchRecords).setBytes(batchBytes).build().toByteArray());
        out.flush();
        records += batchRecords;
        Sent sent = new Sent(beg, batchEnd, batchRecords, batchBytes, t0);
        if (opts.twoWay()) {
            unacknowledged = sent;
        } else {
            acknowledged(sent);
        }
        return batchEnd;
    }

    /** Reads the target's UPDATE for the batch sent last, if it is still due. */
    private void awaitAcknowledgement() {
        Sent b = unacknowledged;
        if (b == null) {
            return;
        }
        unacknowledged = null;
        Update u = handshake.expectUpdate();
        if (u.getTid() != b.end()) {
            throw HammerException.corrupt(path + ": target acknowledged "
                    + Tid.format(u.getTid()) + " instead of " + Tid.format(b.end()));
        }
        acknowledged(b);
    }

    private void acknowledged(Sent b) {
        batches++;
        synced = b.end();
        status.synced(b.end(), b.records(), b.bytes());
        report(b.beg(), b.end(), b.records(), b.bytes(), b.t0());
    }

    /**
     * With -v, about once a second: how far through the TID range the copy is, what it sent, the
     * rate and the time left at that rate. TIDs stand in for bytes, so the estimate is rough when
     * commits differ much in size.
     */
    private void progress(long beg, long end, long at, long recordsSoFar) {
        long now = System.nanoTime();
        if (opts.verbose() == 0 || opts.quiet() || now - lastProgress < 1_000_000_000L) {
            return;
        }
        lastProgress = now;
        double done = Math.max(1e-6, Math.min(1.0, (double) (at - beg) / Math.max(1, end - beg)));
        double secs = Math.max(1e-3, (now - started) / 1e9);
        double rate = out.bytes() / secs;
        opts.log().printf("Mirror-read %s: %.0f%% (at %s), %d records, %.1f MB sent, %.1f MB/s, ETA %.0f s%n", path,
                done * 100, Tid.format(at), recordsSoFar, out.bytes() / 1e6, rate / 1e6, secs / done - secs);
    }

    private void report(long beg, long batchEnd, long n, long bytes, long t0) {
        if (opts.verbose() > 0 && !opts.quiet()) {
            double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
            opts.log().printf("Mirror-read %s: batch %s..%s: %d records, %d bytes, %.1f MB/s%n", path,
                    Tid.format(beg), Tid.format(batchEnd), n, bytes, bytes / secs / 1e6);
        }
    }


}
