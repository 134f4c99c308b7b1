package org.hammer.core.mirror;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import java.nio.ByteBuffer;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreReader;
import org.hammer.proto.Rec;
import org.hammer.proto.Records;

/**
 * Reads what a mirror sends, one frame's worth per short read transaction: the changes of a PFS
 * in change-index order, or (for a reconciliation batch) its records in key order.
 */
final class ChangeReader {
    static final int FRAME_TARGET = 512 * 1024;

    private final Store store;
    private final int pfs;
    private final long batchBytes;

    ChangeReader(Store store, int pfs, long batchBytes) {
        this.store = store;
        this.pfs = pfs;
        this.batchBytes = batchBytes;
    }

    /**
     * One RECORDS payload: {@code count} records encoded in {@code payload[0, length)}, an array
     * this reader reuses for its next chunk.
     */
    record Chunk(byte[] payload, int length, int payloadCrc, int count, long dataBytes, long lastTid,
            RecordKey lastKey, boolean done, boolean cut) {
    }

    /** The payload being encoded: the records of one frame, each one's data copied once, from the store. */
    private byte[] frame = new byte[FRAME_TARGET + (128 << 10)];
    private int framed;
    /**
     * The CRC32C of {@code frame[0, framed)}, made without a second pass over the data: the bytes
     * protobuf writes are CRC'd as they are written ({@link #tail}, from {@link #tailFrom}), and a
     * large data field joins by its data CRC, which the store's read has just checked against
     * those very bytes ({@link Crc32c#combine}).
     */
    private int framedCrc;
    private final java.util.zip.CRC32C tail = new java.util.zip.CRC32C();
    private int tailFrom;
    /** Data fields from this size join the frame's CRC by their data CRC; smaller ones are CRC'd. */
    private static final int COMBINE_FROM = 4096;

    private void frameStart() {
        framed = 0;
        framedCrc = 0;
        tail.reset();
        tailFrom = 0;
    }

    /** Folds the bytes CRC'd since {@link #tailFrom} into {@link #framedCrc}, up to {@code end}. */
    private void foldTail(int end) {
        tail.update(frame, tailFrom, end - tailFrom);
        framedCrc = Crc32c.combine(framedCrc, (int) tail.getValue(), end - tailFrom);
        tail.reset();
        tailFrom = end;
    }

    /** The CRC32C of the frame encoded so far. */
    private int frameCrc() {
        foldTail(framed);
        return framedCrc;
    }

    /**
     * Appends {@code rec} and then, when not null, its data field holding the bytes remaining in
     * {@code data} (copied straight from the store into the frame: protobuf would copy a direct
     * buffer into an array of its own first) to {@link #frame}, as one element of Records'
     * repeated field 1. Returns the bytes appended.
     */
    private int frame(Rec rec, ByteBuffer data) {
        int dataLength = data == null ? 0 : data.remaining();
        int n = rec.getSerializedSize();
        if (data != null) {
            n += CodedOutputStream.computeTagSize(Rec.DATA_FIELD_NUMBER)
                    + CodedOutputStream.computeUInt32SizeNoTag(data.remaining()) + data.remaining();
        }
        int need = CodedOutputStream.computeTagSize(Records.RECS_FIELD_NUMBER)
                + CodedOutputStream.computeUInt32SizeNoTag(n) + n;
        if (framed + need > frame.length) {
            frame = java.util.Arrays.copyOf(frame, Math.max(frame.length * 2, framed + need));
        }
        CodedOutputStream out = CodedOutputStream.newInstance(frame, framed, need);
        try {
            out.writeTag(Records.RECS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(n);
            rec.writeTo(out);
            if (data != null) {
                out.writeTag(Rec.DATA_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(data.remaining());
                out.write(data.duplicate());
            }
            out.checkNoSpaceLeft();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("record of " + n + " bytes did not fit the room computed for it", e);
        }
        if (dataLength >= COMBINE_FROM) {
            foldTail(framed + need - dataLength);
            framedCrc = Crc32c.combine(framedCrc, rec.getDataCrc(), dataLength);
            tailFrom = framed + need;
        }
        framed += need;
        return need;
    }

    /**
     * The last chunk's payload array was handed to the target, which keeps it: the next chunk is
     * encoded into an array of its own.
     */
    void handedOver() {
        frame = new byte[FRAME_TARGET + (128 << 10)];
    }

    /** How many change entries lie after (posTid, posKey) up to {@code end}: an upper bound of the records to send. */
    long count(long posTid, RecordKey posKey, long end) {
        return store.read(r -> {
            long[] n = {0};
            r.scanChanges(pfs, posTid, posKey, end, (t, k) -> {
                n[0]++;
                return true;
            });
            return n[0];
        });
    }

    /** One frame's worth of changes after (posTid, posKey), in one short read transaction. */
    Chunk changes(long posTid, RecordKey posKey, long end, long batchBytesSoFar) {
        return store.read(r -> {
            frameStart();
            int[] count = {0};
            long[] size = {0, 0};
            long[] last = {posTid};
            RecordKey[] lastKey = {posKey};
            boolean[] stopped = {false, false};
            r.scanChanges(pfs, posTid, posKey, end, (t, k) -> {
                if (t != last[0] && batchBytesSoFar + size[0] >= batchBytes) {
                    stopped[1] = true;
                    return false;
                }
                if (size[0] >= FRAME_TARGET) {
                    stopped[0] = true;
                    return false;
                }
                last[0] = t;
                lastKey[0] = k;
                if (!k.type().mirrored()) {
                    return true;
                }
                StoreReader.Stored rec = r.stored(k);
                if (rec == null) {
                    // A record and its change entries are only ever removed together: a change
                    // whose record cannot be found is damage (a B-tree page lost from the tree).
                    throw HammerException.corrupt(store.dir() + ": store damaged: the change at "
                            + org.hammer.core.tid.Tid.format(t) + " names record " + k.describe()
                            + ", which cannot be found (hammer scrub " + store.dir() + " lists all damage)");
                }
                Rec m = toRec(rec, t, end);
                ByteBuffer data = m.getPass() && k.type() != RecordType.INODE ? null : rec.data();
                size[0] += frame(m, data);
                size[1] += data == null ? 0 : data.remaining();
                count[0]++;
                return true;
            });
            boolean cut = stopped[1];
            boolean done = !stopped[0] && !stopped[1];
            return new Chunk(frame, framed, frameCrc(), count[0], size[1], last[0], lastKey[0], done, cut);
        });
    }

    /**
     * A create event carries the data; any other event only the delete TID (a pass record). A pass
     * record of an inode carries its data all the same (a few dozen bytes): a target whose store
     * holds that inode without its count of blocks (a format before 4, MirrorTarget) checks its
     * copy against the data, where a CRC alone would not match.
     */
    private static Rec toRec(StoreReader.Stored rec, long changeTid, long end) {
        Record.Header h = rec.header();
        long delete = h.deleteTid();
        if (delete != 0 && Long.compareUnsigned(delete, end) > 0) {
            delete = 0;
        }
        long deleteTs = delete == 0 ? 0 : h.deleteTs();
        int dataCrc = h.dataCrc();
        Rec.Builder m = Rec.newBuilder().setKey(UnsafeByteOperations.unsafeWrap(rec.key().toBytes()))
                .setChangeTid(changeTid).setDeleteTid(delete).setCreateTs(h.createTs()).setDeleteTs(deleteTs)
                .setDataCrc(dataCrc).setRecordCrc(Record.recordCrc(rec.key(), delete, h.createTs(), deleteTs, dataCrc));
        if (changeTid != rec.key().createTid()) {
            m.setPass(true); // a create event's data goes into the frame after the other fields (see frame)
        }
        return m.build();
    }

    record KeyChunk(List<Rec> recs, long dataBytes, RecordKey last, boolean done) {
    }

    /** One frame's worth of the records after {@code after} that the target may hold live. */
    KeyChunk keys(RecordKey after, long targetEnd, long end) {
        return store.read(r -> {
            List<Rec> recs = new java.util.ArrayList<>();
            long[] size = {0, 0};
            RecordKey[] last = {after};
            boolean[] full = {false};
            RecordKey from = after == null ? new RecordKey(pfs, 0, RecordType.INODE, 0, 0)
                    : new RecordKey(pfs, after.obj(), after.type(), after.key(), after.createTid() + 1);
            RecordKey to = new RecordKey(pfs, -1L, RecordType.CONFIG, -1L, -1L);
            r.scan(from, to, false, head -> {
                if (size[0] >= FRAME_TARGET) {
                    full[0] = true;
                    return false;
                }
                RecordKey k = head.key();
                last[0] = k;
                boolean live = head.deleteTid() == 0 || Long.compareUnsigned(head.deleteTid(), targetEnd) > 0;
                if (!k.type().mirrored() || !live || Long.compareUnsigned(k.createTid(), end) > 0) {
                    return true;
                }
                long delete = head.deleteTid() != 0 && Long.compareUnsigned(head.deleteTid(), end) <= 0
                        ? head.deleteTid() : 0;
                long deleteTs = delete == 0 ? 0 : head.deleteTs();
                Rec.Builder m = Rec.newBuilder().setKey(UnsafeByteOperations.unsafeWrap(k.toBytes()))
                        .setDeleteTid(delete).setCreateTs(head.createTs()).setDeleteTs(deleteTs);
                int dataCrc;
                if (Long.compareUnsigned(k.createTid(), targetEnd) > 0) {
                    Record full2 = r.get(k);
                    dataCrc = full2.dataCrc();
                    m.setData(UnsafeByteOperations.unsafeWrap(full2.data()));
                    size[1] += full2.data().length;
                } else if (k.type() == RecordType.INODE) {
                    Record inode = r.get(k); // a pass record with its data: see toRec
                    dataCrc = inode.dataCrc();
                    m.setData(UnsafeByteOperations.unsafeWrap(inode.data())).setPass(true);
                    size[1] += inode.data().length;
                } else {
                    dataCrc = r.head(k).dataCrc();
                    m.setPass(true);
                }
                m.setDataCrc(dataCrc).setRecordCrc(Record.recordCrc(k, delete, head.createTs(), deleteTs, dataCrc));
                Rec rec = m.build();
                recs.add(rec);
                size[0] += rec.getSerializedSize() + 4;
                return true;
            });
            return new KeyChunk(recs, size[1], last[0], !full[0]);
        });
    }
}
