package org.hammer.core.mirror;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hammer.core.HammerException;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.pfs.LineageSegment;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.proto.Lineage;
import org.hammer.proto.Pfsd;
import org.hammer.proto.Records;

/** Conversions between stream messages and core values; every protobuf parse failure is CORRUPT. */
final class Codec {
    private Codec() {
    }

    interface Parser<T> {
        T parse(byte[] b) throws InvalidProtocolBufferException;
    }

    static <T extends MessageLite> T parse(Frame f, Parser<T> p, String peer) {
        try {
            return p.parse(f.bytes());
        } catch (InvalidProtocolBufferException e) {
            throw HammerException.corrupt(peer + ": frame " + f.seq() + " (" + f.type() + "): malformed message");
        }
    }

    /**
     * A RECORDS frame, its records' data read in place: the payload is an array that nothing
     * changes afterwards ({@link Frame}), so the data is not copied a second time.
     */
    static Records records(Frame f, String peer) {
        try {
            // Aliasing applies only to input protobuf may treat as immutable: a wrapped array is.
            CodedInputStream in = UnsafeByteOperations.unsafeWrap(f.payload(), 0, f.length()).newCodedInput();
            in.enableAliasing(true);
            return Records.parser().parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw HammerException.corrupt(peer + ": frame " + f.seq() + " (" + f.type() + "): malformed message");
        }
    }

    static ByteString uuid(UUID u) {
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
    }

    static UUID uuid(ByteString b, String peer) {
        if (b.size() != 16) {
            throw HammerException.corrupt(peer + ": uuid of " + b.size() + " bytes");
        }
        ByteBuffer bb = b.asReadOnlyByteBuffer();
        return new UUID(bb.getLong(), bb.getLong());
    }

    static RecordKey key(ByteString b, String peer) {
        if (b.size() != RecordKey.BYTES) {
            throw HammerException.corrupt(peer + ": record key of " + b.size() + " bytes");
        }
        RecordKey k = RecordKey.readFrom(b.asReadOnlyByteBuffer());
        if (k == null) {
            throw HammerException.corrupt(peer + ": record key with an unknown record type");
        }
        return k;
    }

    static Pfsd pfsd(PfsConfig c, long syncEnd, String path, boolean exists) {
        Pfsd.Builder b = Pfsd.newBuilder()
                .setSharedUuid(uuid(c.sharedUuid())).setUniqueUuid(uuid(c.uniqueUuid())).setLabel(c.label())
                .setSyncBegTid(c.syncBegTid()).setSyncEndTid(syncEnd).setSlave(c.isSlave()).setPfsId(c.id())
                .setPath(path).setExists(exists);
        for (LineageSegment s : c.lineage()) {
            b.addLineage(Lineage.newBuilder().setProducer(uuid(s.producer())).setFirst(s.first()).setLast(s.last()));
        }
        if (c.cursor() != null) {
            b.setCursorTid(c.cursor().tid()).setCursorKey(ByteString.copyFrom(c.cursor().key().toBytes()));
        }
        return b.build();
    }

    static List<LineageSegment> lineage(Pfsd p, String peer) {
        List<LineageSegment> out = new ArrayList<>();
        for (Lineage l : p.getLineageList()) {
            out.add(new LineageSegment(uuid(l.getProducer(), peer), l.getFirst(), l.getLast()));
        }
        return out;
    }

    /** A peer's PFS header as a PfsConfig, for checks and printing. */
    static PfsConfig config(Pfsd p, String peer) {
        return new PfsConfig(p.getPfsId() & 0xFFFF, p.getSlave() ? PfsMode.SLAVE : PfsMode.MASTER,
                p.getSyncBegTid(), p.getSyncEndTid(), uuid(p.getSharedUuid(), peer), uuid(p.getUniqueUuid(), peer),
                p.getLabel(), null, 0, null, lineage(p, peer));
    }
}
