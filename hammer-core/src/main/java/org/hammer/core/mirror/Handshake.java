package org.hammer.core.mirror;

import java.util.List;
import java.util.UUID;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.LineageSegment;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.proto.Error;
import org.hammer.proto.Hello;
import org.hammer.proto.Pfsd;
import org.hammer.proto.Update;
import org.hammer.core.tid.Tid;

/** The opening exchange of a stream and the checks both ends make of their peer (DESIGN.md §6.3, §6.6). */
final class Handshake {
    private final FrameWriter out;
    private final FrameReader in;
    private final String who;

    Handshake(FrameWriter out, FrameReader in, String who) {
        this.out = out;
        this.in = in;
        this.who = who;
    }

    /** HELLO: this hammer's stream version, and {@code minVersion}, the least its peer must speak. */
    void sendHello(boolean zstd, int minVersion) {
        Hello.Builder h = Hello.newBuilder().setVersion(Frames.VERSION).setMinVersion(minVersion)
                .setProgram("hammer").addFeatures(Frames.FEATURE_CRC32C);
        if (zstd) {
            h.addFeatures(Frames.FEATURE_ZSTD);
        }
        out.write(FrameType.HELLO, h.build().toByteArray());
    }

    Hello expectHello() {
        Hello h = Codec.parse(expect(FrameType.HELLO), Hello::parseFrom, who);
        if (h.getMinVersion() > Frames.VERSION) {
            throw HammerException.refused(who + ": the peer speaks stream version " + h.getVersion()
                    + " (at least " + h.getMinVersion() + "), newer than this hammer's " + Frames.VERSION
                    + "; upgrade hammer on this side");
        }
        return h;
    }

    Pfsd expectPfsd() {
        return Codec.parse(expect(FrameType.PFSD), Pfsd::parseFrom, who);
    }

    Update expectUpdate() {
        return Codec.parse(expect(FrameType.UPDATE), Update::parseFrom, who);
    }

    /** The next frame, which must be of {@code type}; an ERROR frame rethrows the peer's failure. */
    Frame expect(FrameType type) {
        Frame f = in.next();
        if (f == null) {
            String what = who + ": the stream ended before " + type;
            throw out == null ? HammerException.corrupt(what) : HammerException.failure(what);
        }
        if (f.type() == FrameType.ERROR) {
            throw peerError(f, who);
        }
        if (f.type() != type) {
            throw HammerException.corrupt(who + ": got " + f.type() + " where " + type + " was expected");
        }
        return f;
    }

    static HammerException peerError(Frame f, String who) {
        Error e = Codec.parse(f, Error::parseFrom, who);
        HammerException.Kind kind = HammerException.Kind.FAILURE;
        for (HammerException.Kind k : HammerException.Kind.values()) {
            if (k.exitCode() == e.getExitCode()) {
                kind = k;
            }
        }
        return new HammerException(kind, e.getMessage());
    }

    /** Tells the peer why this end stops, if the stream can still carry it. */
    static void sendError(FrameWriter out, HammerException e) {
        try {
            out.write(FrameType.ERROR, Error.newBuilder().setExitCode(e.kind().exitCode())
                    .setMessage(e.getMessage() == null ? "" : e.getMessage()).build().toByteArray());
            out.flush();
        } catch (RuntimeException ignored) {
            // the peer is gone; the local message is enough
        }
    }

    /**
     * Refuses a pair that must not mirror: different shared-uuids, a master as target, a target
     * whose history diverged from the source's, a target whose sync point lies beyond the source's
     * (nothing would ever be sent to it: every mirror would "succeed" with 0 batches).
     */
    static void checkPair(PfsConfig source, long sourceEnd, String sourcePath, Pfsd target, boolean atSource) {
        String peer = atSource ? "target" : "source";
        UUID targetShared = Codec.uuid(target.getSharedUuid(), peer);
        if (!targetShared.equals(source.sharedUuid())) {
            throw HammerException.refused("source " + sourcePath + " and target " + target.getPath()
                    + " have different shared-uuids (" + source.sharedUuid() + " vs " + targetShared
                    + "); create the slave with shared-uuid=" + source.sharedUuid());
        }
        if (target.getExists() && !target.getSlave()) {
            throw HammerException.refused("target " + target.getPath()
                    + " is a master; only a slave can be mirrored into (source " + sourcePath + ")");
        }
        List<LineageSegment> targetLineage = Codec.lineage(target, peer);
        long diverged = Lineages.divergence(targetLineage, target.getSyncEndTid(), source.lineage());
        if (diverged == 0 && target.getExists() && Long.compareUnsigned(target.getSyncEndTid(), sourceEnd) > 0) {
            throw ahead(target, targetLineage, sourceEnd, sourcePath);
        }
        if (diverged != 0) {
            long common = Lineages.lastCommon(diverged);
            throw HammerException.refused("target " + target.getPath() + " diverged from source " + sourcePath
                    + " at TID " + Tid.format(diverged) + ": it holds history the source never had; discard it with"
                    + " 'hammer pfs-update " + target.getPath() + " sync-end-tid=" + Tid.format(common)
                    + " && hammer pfs-upgrade " + target.getPath() + " && hammer pfs-downgrade " + target.getPath()
                    + "', then mirror again");
        }
    }

    /**
     * The refusal of a target whose sync-end-tid is beyond the source's: set there by hand (its
     * lineage stops within the source's TIDs), or holding TIDs the source never produced.
     */
    private static HammerException ahead(Pfsd target, List<LineageSegment> lineage, long sourceEnd, String sourcePath) {
        String t = target.getPath();
        String setBack = "hammer pfs-update " + t + " sync-end-tid=" + Tid.format(sourceEnd);
        long received = lineage.isEmpty() ? 0 : lineage.get(lineage.size() - 1).last();
        String fix = Long.compareUnsigned(received, sourceEnd) <= 0
                ? "if it was set by hand, set it back with '" + setBack + "'"
                : "it holds TIDs up to " + Tid.format(received) + " the source never had; discard them with '"
                        + setBack + " && hammer pfs-upgrade " + t + " && hammer pfs-downgrade " + t + "'";
        return HammerException.refused("target " + t + " is at sync-end-tid " + Tid.format(target.getSyncEndTid())
                + ", beyond every TID of source " + sourcePath + " (sync-end-tid " + Tid.format(sourceEnd) + "): "
                + fix + ", or mirror into a fresh slave");
    }
}
