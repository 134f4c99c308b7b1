package org.hammer.core.pfs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hammer.core.HammerException;
import org.hammer.core.btree.RecordKey;

/**
 * The PFS record (HAMMER's {@code hammer_pseudofs_data}) plus this project's resume cursor and
 * lineage. Stored in the store's metadata, never mirrored.
 */
public record PfsConfig(int id, PfsMode mode, long syncBegTid, long syncEndTid, UUID sharedUuid, UUID uniqueUuid,
        String label, String snapshots, int pruneMinSeconds, ResumeCursor cursor, List<LineageSegment> lineage) {

    private static final int VERSION = 1;

    public PfsConfig {
        if (id < 0 || id > 0xFFFF) {
            throw new IllegalArgumentException("PFS id out of range: " + id);
        }
        label = label == null ? "" : label;
        lineage = List.copyOf(lineage == null ? List.of() : lineage);
    }

    public boolean isSlave() {
        return mode == PfsMode.SLAVE;
    }

    public PfsConfig withMode(PfsMode m) {
        return new PfsConfig(id, m, syncBegTid, syncEndTid, sharedUuid, uniqueUuid, label, snapshots, pruneMinSeconds,
                cursor, lineage);
    }

    public PfsConfig withSync(long beg, long end) {
        return new PfsConfig(id, mode, beg, end, sharedUuid, uniqueUuid, label, snapshots, pruneMinSeconds, cursor,
                lineage);
    }

    public PfsConfig withCursor(ResumeCursor c) {
        return new PfsConfig(id, mode, syncBegTid, syncEndTid, sharedUuid, uniqueUuid, label, snapshots,
                pruneMinSeconds, c, lineage);
    }

    public PfsConfig withLineage(List<LineageSegment> l) {
        return new PfsConfig(id, mode, syncBegTid, syncEndTid, sharedUuid, uniqueUuid, label, snapshots,
                pruneMinSeconds, cursor, l);
    }

    public PfsConfig withUuids(UUID shared, UUID unique) {
        return new PfsConfig(id, mode, syncBegTid, syncEndTid, shared, unique, label, snapshots, pruneMinSeconds,
                cursor, lineage);
    }

    public PfsConfig withLabel(String l) {
        return new PfsConfig(id, mode, syncBegTid, syncEndTid, sharedUuid, uniqueUuid, l, snapshots, pruneMinSeconds,
                cursor, lineage);
    }

    public PfsConfig withSnapshots(String s) {
        return new PfsConfig(id, mode, syncBegTid, syncEndTid, sharedUuid, uniqueUuid, label, s, pruneMinSeconds,
                cursor, lineage);
    }

    public PfsConfig withPruneMin(int seconds) {
        return new PfsConfig(id, mode, syncBegTid, syncEndTid, sharedUuid, uniqueUuid, label, snapshots, seconds,
                cursor, lineage);
    }

    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeShort(id);
            out.writeByte(mode.ordinal());
            out.writeLong(syncBegTid);
            out.writeLong(syncEndTid);
            writeUuid(out, sharedUuid);
            writeUuid(out, uniqueUuid);
            out.writeUTF(label);
            out.writeBoolean(snapshots != null);
            if (snapshots != null) {
                out.writeUTF(snapshots);
            }
            out.writeInt(pruneMinSeconds);
            out.writeBoolean(cursor != null);
            if (cursor != null) {
                out.writeLong(cursor.tid());
                out.write(cursor.key().toBytes());
            }
            out.writeInt(lineage.size());
            for (LineageSegment s : lineage) {
                writeUuid(out, s.producer());
                out.writeLong(s.first());
                out.writeLong(s.last());
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PfsConfig decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int v = in.readUnsignedByte();
            if (v != VERSION) {
                throw HammerException.corrupt("PFS record: unknown version " + v);
            }
            int id = in.readUnsignedShort();
            PfsMode mode = PfsMode.values()[in.readUnsignedByte()];
            long beg = in.readLong();
            long end = in.readLong();
            UUID shared = readUuid(in);
            UUID unique = readUuid(in);
            String label = in.readUTF();
            String snaps = in.readBoolean() ? in.readUTF() : null;
            int pruneMin = in.readInt();
            ResumeCursor cursor = null;
            if (in.readBoolean()) {
                long t = in.readLong();
                byte[] k = new byte[RecordKey.BYTES];
                in.readFully(k);
                cursor = new ResumeCursor(t, RecordKey.fromBytes(k));
            }
            int n = in.readInt();
            List<LineageSegment> lineage = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                lineage.add(new LineageSegment(readUuid(in), in.readLong(), in.readLong()));
            }
            return new PfsConfig(id, mode, beg, end, shared, unique, label, snaps, pruneMin, cursor, lineage);
        } catch (IOException | RuntimeException e) {
            if (e instanceof HammerException he) {
                throw he;
            }
            throw HammerException.corrupt("PFS record: unreadable: " + e.getMessage());
        }
    }

    private static void writeUuid(DataOutputStream out, UUID u) throws IOException {
        out.writeLong(u.getMostSignificantBits());
        out.writeLong(u.getLeastSignificantBits());
    }

    private static UUID readUuid(DataInputStream in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }
}
