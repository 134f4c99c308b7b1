package org.hammer.core.mirror;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Inode;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.pfs.ResumeCursor;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreHeader;
import org.hammer.core.store.StoreWriter;
import org.hammer.core.tid.Tid;
import org.hammer.proto.Batch;
import org.hammer.proto.Idle;
import org.hammer.proto.Pfsd;
import org.hammer.proto.Rec;
import org.hammer.proto.Records;
import org.hammer.proto.Sync;
import org.hammer.proto.Term;
import org.hammer.proto.Update;

/**
 * mirror-write: applies a stream to a slave PFS (DESIGN.md §6.3). Records keep their original
 * TIDs and land above the slave's sync-end-tid, where nobody sees them until the batch's SYNC
 * moves the sync point. Applied records are committed every {@link MirrorOptions#CHUNK} bytes
 * together with the resume cursor, so an interruption costs at most two chunks: each chunk is
 * committed on a second thread while the next one is received and checked, and a SYNC, TERM or
 * failure waits for it.
 */
public final class MirrorTarget {

    /** Finds or creates the slave once the source's header is known. */
    public interface Opener {
        /**
         * Called as the session starts, before the source's first frame is awaited: may open what
         * {@link #open} will need (the store, on this thread while the source opens its own).
         * Throws nothing; a failure is met again, and reported, by {@link #open}.
         */
        default void prepare() {
        }

        /** The open store and PFS id of the target, creating the slave if allowed; may refuse. */
        Resolved open(Pfsd source);
    }

    /** The target, once resolved: its store (owned by the caller), PFS id, and how to name it. */
    public record Resolved(Store store, int pfs, String path, boolean exists) {
    }

    private final Opener opener;
    private final MirrorOptions opts;
    private final String who;
    private final StreamStatus status;
    /** Records received in this run, and how many the source said it may send in all (-1: not said). */
    private long received;
    private long expected = -1;
    private Store store;
    private int pfs;
    private String path;
    private FrameReader in;
    private FrameWriter out;
    private Pfsd source;
    private final List<Rec> pending = new ArrayList<>();
    private long pendingBytes;
    private long batches;
    private long records;
    private long dataBytes;
    private long synced;
    private Batch batch;
    /** The CRC32C of the batch's RECORDS payloads so far, made from the frames' own. */
    private int batchCrc;
    private RecordKey lastKey;
    private long lastTid;
    /** In a reconciliation batch: the last key (of the target's PFS) the delete-to pass reached. */
    private RecordKey reconciled;
    /** Commits chunks while the next one is received; created with the first chunk. */
    private ExecutorService committer;
    /** The chunk being committed, if one is. */
    private Future<?> committing;
    /** A chunk failed to commit: nothing after it may be. */
    private boolean commitFailed;

    public MirrorTarget(Opener opener, String name, MirrorOptions opts) {
        this(opener, name, opts, StreamStatus.NONE);
    }

    /** As above, telling {@code status} of the records as they arrive and of each batch synced. */
    public MirrorTarget(Opener opener, String name, MirrorOptions opts, StreamStatus status) {
        this.opener = opener;
        this.opts = opts;
        this.who = name;
        this.status = status;
    }

    public MirrorStats run(InputStream fromSource, OutputStream toSource) {
        in = new FrameReader(fromSource, who + ": stream from source");
        out = opts.twoWay() ? new FrameWriter(toSource, 0) : null;
        try {
            return session();
        } catch (HammerException e) {
            salvage(e);
            if (out != null && (e.kind() == HammerException.Kind.REFUSED || e.kind() == HammerException.Kind.CORRUPT
                    || e.kind() == HammerException.Kind.NOT_FOUND)) {
                Handshake.sendError(out, e);
            }
            throw e;
        } catch (RuntimeException e) {
            salvage(e);
            throw e;
        } finally {
            if (committer != null) {
                committer.shutdown();
            }
        }
    }

    /** Commits the records received intact before a failure, so a rerun need not send them again. */
    private void salvage(RuntimeException cause) {
        try {
            awaitCommitted();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        // After a chunk the store refused, committing the next would leave a gap before the cursor.
        if (store != null && !commitFailed && !pending.isEmpty()) {
            try {
                flush();
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    private MirrorStats session() {
        Handshake hs = new Handshake(out, in, who);
        opener.prepare();
        hs.expectHello();
        source = hs.expectPfsd();
        Resolved r = opener.open(source);
        store = r.store();
        pfs = r.pfs();
        path = r.path();
        PfsConfig cfg = store.read(rd -> PfsTable.get(rd, pfs));
        long syncEnd = cfg.syncEndTid();
        Pfsd mine = Codec.pfsd(cfg, syncEnd, path, true);
        Handshake.checkPair(Codec.config(source, "source"), source.getSyncEndTid(), source.getPath(), mine, false);
        synced = syncEnd;
        if (out != null) {
            hs.sendHello(false, Frames.MIN_VERSION);
            out.write(FrameType.PFSD, mine.toByteArray());
            out.flush();
        }
        while (true) {
            Frame f = in.next();
            if (f == null) {
                throw HammerException.corrupt(who + ": stream ended without a termination record"
                        + " (applied records are kept; the next run resumes after them)");
            }
            switch (f.type()) {
                case BATCH -> startBatch(Codec.parse(f, Batch::parseFrom, who));
                case RECORDS -> records(f);
                case SYNC -> sync(Codec.parse(f, Sync::parseFrom, who));
                case IDLE -> Codec.parse(f, Idle::parseFrom, who);
                case TERM -> {
                    Term t = Codec.parse(f, Term::parseFrom, who);
                    flush();
                    if (out == null && in.next() != null) {
                        throw HammerException.corrupt(who + ": data after the termination record");
                    }
                    return new MirrorStats(batches, records, dataBytes, in.bytes(), synced, t.getInterrupted());
                }
                case ERROR -> throw Handshake.peerError(f, who);
                default -> throw HammerException.corrupt(who + ": unexpected " + f.type() + " frame " + f.seq());
            }
        }
    }

    private void startBatch(Batch b) {
        if (batch != null) {
            throw HammerException.corrupt(who + ": a batch began inside another batch");
        }
        if (Long.compareUnsigned(b.getBegTid(), synced) > 0) {
            throw HammerException.refused(who + ": the stream starts after " + Tid.format(b.getBegTid())
                    + " but target " + path + " is only at " + Tid.format(synced)
                    + "; applying it would leave a gap (mirror from " + Tid.format(synced) + " instead)");
        }
        if (Long.compareUnsigned(b.getEndTid(), b.getBegTid()) < 0) {
            throw HammerException.corrupt(who + ": batch ends before it begins");
        }
        batch = b;
        batchCrc = 0;
        if (b.getChanges() > 0) {
            expected = received + b.getChanges();
        }
        boolean resumed = !b.getResumeKey().isEmpty();
        lastTid = b.getResumeTid() != 0 ? b.getResumeTid() : b.getBegTid();
        lastKey = resumed ? Codec.key(b.getResumeKey(), who) : null;
        if (b.getReconcile()) {
            lastTid = 0;
            reconciled = resumed ? lastKey.withPfs(pfs) : null;
        }
    }

    private void records(Frame f) {
        if (batch == null) {
            throw HammerException.corrupt(who + ": records outside a batch (frame " + f.seq() + ")");
        }
        batchCrc = Crc32c.combine(batchCrc, f.payloadCrc(), f.length());
        Records rs = Codec.records(f, who);
        for (Rec rec : rs.getRecsList()) {
            check(rec);
            pending.add(rec);
            pendingBytes += rec.getData().size() + 64;
        }
        received += rs.getRecsCount();
        status.progress(received, in.bytes(), expected);
        if (pendingBytes >= MirrorOptions.CHUNK) {
            handOff();
        }
    }

    /** Refuses a record that cannot belong to this batch; data is checked against its CRC. */
    private void check(Rec rec) {
        RecordKey k = Codec.key(rec.getKey(), who);
        long t = rec.getChangeTid();
        if (batch.getReconcile() ? t != 0 || Long.compareUnsigned(k.createTid(), batch.getEndTid()) > 0
                : Long.compareUnsigned(t, batch.getBegTid()) <= 0 || Long.compareUnsigned(t, batch.getEndTid()) > 0) {
            throw HammerException.corrupt(who + ": record " + k + " changed at " + Tid.format(t)
                    + ", outside the batch");
        }
        int order = Long.compareUnsigned(t, lastTid);
        if (order < 0 || order == 0 && lastKey != null && k.compareTo(lastKey) <= 0) {
            throw HammerException.corrupt(who + ": record " + k + " out of order");
        }
        if (!rec.getPass() && crc(rec.getData()) != rec.getDataCrc()) {
            throw HammerException.corrupt(who + ": record " + k.describe() + ": data checksum mismatch");
        }
        if (Record.recordCrc(k, rec.getDeleteTid(), rec.getCreateTs(), rec.getDeleteTs(), rec.getDataCrc())
                != rec.getRecordCrc()) {
            throw HammerException.corrupt(who + ": record " + k.describe() + ": record checksum mismatch");
        }
        if (rec.getDeleteTid() != 0 && rec.getDeleteTid() == k.createTid()) {
            throw HammerException.corrupt(who + ": record " + k + " deleted at its own create TID");
        }
        lastTid = t;
        lastKey = k;
    }

    private static int crc(com.google.protobuf.ByteString data) {
        CRC32C c = new CRC32C();
        c.update(data.asReadOnlyByteBuffer());
        return (int) c.getValue();
    }

    /** Commits every record received so far, and waits until it is committed. */
    private void flush() {
        handOff();
        awaitCommitted();
    }

    /**
     * Hands the pending records to the committing thread, once the chunk before them is
     * committed, and returns: receiving the next chunk overlaps committing this one.
     */
    /** The records received and not yet handed off, taken, once the chunk before them is committed. */
    private List<Rec> takePending() {
        awaitCommitted();
        if (pending.isEmpty()) {
            return List.of();
        }
        List<Rec> recs = new ArrayList<>(pending);
        pending.clear();
        pendingBytes = 0;
        return recs;
    }

    private void handOff() {
        List<Rec> recs = takePending();
        if (recs.isEmpty()) {
            return;
        }
        Batch b = batch;
        if (committer == null) {
            committer = Executors.newSingleThreadExecutor(task -> {
                Thread t = new Thread(task, "mirror-commit");
                t.setDaemon(true);
                return t;
            });
        }
        committing = committer.submit(() -> commit(recs, b));
    }

    /** Waits for the chunk being committed; its failure is this thread's. */
    private void awaitCommitted() {
        Future<?> f = committing;
        if (f == null) {
            return;
        }
        committing = null;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // the commit runs on regardless: wait for its outcome
                }
            }
        } catch (ExecutionException e) {
            commitFailed = true;
            MirrorCopy.rethrow(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Applies records in one transaction, with the resume cursor after the last of them. */
    private void commit(List<Rec> recs, Batch of) {
        store.apply(w -> {
            applyChunk(w, recs, of);
            return null;
        });
        counted(recs);
    }

    /** Applies records in {@code w}, with the resume cursor after the last of them. */
    private void applyChunk(StoreWriter w, List<Rec> recs, Batch of) {
        long maxTid = 0;
        for (Rec rec : recs) {
            if (of != null && of.getReconcile()) {
                RecordKey k = Codec.key(rec.getKey(), who).withPfs(pfs);
                deleteTo(w, k, of.getEndTid());
                reconciled = k;
            }
            maxTid = Math.max(maxTid, apply(w, rec));
        }
        w.raiseTid(maxTid);
        Rec last = recs.get(recs.size() - 1);
        PfsConfig c = PfsTable.get(w, pfs);
        PfsTable.put(w, c.withCursor(new ResumeCursor(last.getChangeTid(), Codec.key(last.getKey(), who))));
    }

    private void counted(List<Rec> recs) {
        for (Rec rec : recs) {
            dataBytes += rec.getData().size();
        }
        records += recs.size();
    }

    /**
     * HAMMER's delete-to: marks deleted at {@code end} every live record of the target after the
     * last reconciled key and before {@code upTo}, which the batch therefore did not mention.
     * Records created at or after {@code end} (an aborted earlier batch) are left alone.
     */
    private void deleteTo(StoreWriter w, RecordKey upTo, long end) {
        RecordKey from = reconciled == null ? new RecordKey(pfs, 0, RecordType.INODE, 0, 0)
                : new RecordKey(pfs, reconciled.obj(), reconciled.type(), reconciled.key(), reconciled.createTid() + 1);
        List<RecordKey> stale = new ArrayList<>();
        w.scan(from, upTo, false, r -> {
            if (r.deleteTid() == 0 && r.key().type().mirrored() && Long.compareUnsigned(r.key().createTid(), end) < 0) {
                stale.add(r.key());
            }
            return true;
        });
        for (RecordKey k : stale) {
            w.setDelete(k, end, w.nowMicros());
        }
    }

    /**
     * Lays down one record idempotently; returns the highest TID it carries. A store before format
     * 4 holds an inode that counts its file's blocks without the count ({@link #uncounted}), as
     * the file's own store would have made it: the slave walks the file for st_blocks instead.
     */
    private long apply(StoreWriter w, Rec rec) {
        RecordKey k = Codec.key(rec.getKey(), who).withPfs(pfs);
        if (!k.type().mirrored()) {
            return 0;
        }
        ByteBuffer data = rec.getData().asReadOnlyByteBuffer();
        int dataCrc = rec.getDataCrc();
        byte[] held = w.format() < StoreHeader.COUNTED_INODES ? uncounted(k, rec) : null;
        if (held != null) {
            data = ByteBuffer.wrap(held);
            dataCrc = Record.dataCrc(held);
        }
        Record.Header have = w.head(k);
        if (have == null) {
            if (!rec.getPass()) {
                w.insertAbsent(k, rec.getDeleteTid(), rec.getCreateTs(), rec.getDeleteTs(), dataCrc, data);
                checkApplied(w, k, rec.getDeleteTid(), dataCrc);
            }
            return Math.max(k.createTid(), rec.getDeleteTid());
        }
        // The same record on both sides: the data the slave holds must be the data the source holds
        // (or that inode without its count, laid down while the slave's store was format 3 or before).
        if (have.dataCrc() != dataCrc && (held != null || (held = uncounted(k, rec)) == null
                || have.dataCrc() != Record.dataCrc(held))) {
            throw HammerException.corrupt(who + ": record " + k.describe() + " of target " + path
                    + " holds other data than the source's (data checksum " + String.format("%08x", have.dataCrc())
                    + ", source " + String.format("%08x", rec.getDataCrc()) + ")");
        }
        if (rec.getDeleteTid() != 0 && rec.getDeleteTid() != have.deleteTid()) {
            w.setDelete(k, rec.getDeleteTid(), rec.getDeleteTs());
            checkApplied(w, k, rec.getDeleteTid(), have.dataCrc());
        }
        return Math.max(k.createTid(), rec.getDeleteTid());
    }

    /**
     * The data of inode record {@code rec} without its count of blocks, when it keeps one (store
     * format 4), checked against the source's data CRC first (a pass record's data, which
     * {@link #check} leaves, included); else null.
     */
    private byte[] uncounted(RecordKey k, Rec rec) {
        if (k.type() != RecordType.INODE || rec.getData().isEmpty()) {
            return null; // a pass record from a source before format 4 carries no data: it holds no count
        }
        byte[] d = rec.getData().toByteArray();
        if (!Inode.isCounted(d)) {
            return null;
        }
        if (Record.dataCrc(d) != rec.getDataCrc()) {
            throw HammerException.corrupt(who + ": record " + k.describe() + " from the source: data checksum mismatch");
        }
        return Inode.decode(d).withBlockBytes(Inode.UNCOUNTED).encode();
    }

    /** Reads back what was laid down: its record checksum verified, its TIDs and data CRC the source's. */
    private void checkApplied(StoreWriter w, RecordKey k, long deleteTid, int dataCrc) {
        Record.Header h = w.head(k);
        if (h == null || h.dataCrc() != dataCrc || h.deleteTid() != deleteTid) {
            throw HammerException.corrupt(who + ": record " + k.describe() + " of target " + path
                    + " does not read back as written");
        }
    }

    private void sync(Sync s) {
        if (batch == null) {
            throw HammerException.corrupt(who + ": SYNC outside a batch");
        }
        if (batchCrc != s.getStreamCrc()) {
            throw HammerException.corrupt(who + ": batch checksum mismatch at SYNC " + Tid.format(s.getEndTid()));
        }
        long end = s.getEndTid();
        if (Long.compareUnsigned(end, batch.getEndTid()) > 0 || Long.compareUnsigned(end, lastTid) < 0) {
            throw HammerException.corrupt(who + ": SYNC at " + Tid.format(end) + " outside its batch");
        }
        // The records not yet handed off are applied in the sync point's own transaction: a batch
        // of one chunk (an incremental run) commits and flushes once, on this thread.
        List<Rec> tail = takePending();
        Batch of = batch;
        boolean reconcile = batch.getReconcile();
        List<org.hammer.core.pfs.LineageSegment> lineage = Pfses.clip(Codec.lineage(source, who), end);
        store.apply(w -> {
            if (!tail.isEmpty()) {
                applyChunk(w, tail, of);
            }
            if (reconcile) {
                deleteTo(w, new RecordKey(pfs, -1L, org.hammer.core.btree.RecordType.CONFIG, -1L, -1L), end);
            }
            PfsConfig c = PfsTable.get(w, pfs);
            boolean ahead = Long.compareUnsigned(c.syncEndTid(), end) > 0;
            // An old stream applied to a slave that is further along moves nothing back.
            PfsTable.put(w, ahead ? c.withCursor(null)
                    : c.withSync(c.syncBegTid(), end).withCursor(null).withLineage(lineage));
            w.raiseTid(end);
            return null;
        });
        counted(tail);
        store.sync();
        synced = Long.compareUnsigned(synced, end) > 0 ? synced : end;
        batches++;
        batch = null;
        status.synced(end, s.getRecords(), s.getBytes());
        if (out != null) {
            out.write(FrameType.UPDATE, Update.newBuilder().setTid(end).build().toByteArray());
            out.flush();
        }
        if (opts.verbose() > 1 && !opts.quiet()) {
            opts.log().println("Mirror-write " + path + ": synced to " + Tid.format(end));
        }
    }
}
