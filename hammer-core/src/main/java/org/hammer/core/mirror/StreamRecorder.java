package org.hammer.core.mirror;

import java.io.InputStream;
import java.io.OutputStream;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.tid.Tid;
import org.hammer.proto.Batch;
import org.hammer.proto.Pfsd;
import org.hammer.proto.Sync;
import org.hammer.proto.Term;
import org.hammer.proto.Update;

/**
 * The target end of a two-way mirror that keeps the stream instead of applying it: it answers the
 * source's handshake for a slave that is not a PFS (an object-store chain, DESIGN.md §6.8), so the
 * source makes its usual checks (shared-uuid, lineage, a target beyond the source), then writes
 * every frame the source sends to the sink: a stream in the format {@code hammer mirror-read}
 * writes, which {@code mirror-write} (or a {@link MirrorTarget} run one-way) applies
 * them. Frames are written again with the payloads received (uncompressed, numbered from 0),
 * IDLE frames left out. Each SYNC is acknowledged once written to the sink.
 */
public final class StreamRecorder implements MirrorCopy.End {

    /** Where a recorded stream goes, and what the target looks like to the source. */
    public interface Sink {
        /**
         * The target as the source must see it, given the source's header: its shared-uuid, its
         * sync-end-tid (where the source starts), its lineage; a fresh target takes the source's
         * shared-uuid. May refuse.
         */
        PfsConfig target(PfsConfig source);

        /** Opens the output for the changes {@code (beg, end]} of {@code source}, at the first batch. */
        OutputStream open(PfsConfig source, long beg, long end);

        /**
         * The stream ended. {@code complete} when the source sent everything up to the end it
         * announced (not a timeout); {@code source}'s lineage is clipped to {@code end}.
         */
        void close(boolean complete, PfsConfig source, long end);
    }

    private final Sink sink;
    private final String name;
    private final MirrorOptions opts;

    /** {@code name} names the target in messages and in the header sent to the source. */
    public StreamRecorder(Sink sink, String name, MirrorOptions opts) {
        this.sink = sink;
        this.name = name;
        this.opts = opts;
    }

    @Override
    public MirrorStats run(InputStream fromSource, OutputStream toSource) {
        FrameReader in = new FrameReader(fromSource, name + ": stream from source");
        FrameWriter back = new FrameWriter(toSource, 0);
        try {
            return session(in, back);
        } catch (HammerException e) {
            if (e.kind() == HammerException.Kind.REFUSED || e.kind() == HammerException.Kind.CORRUPT
                    || e.kind() == HammerException.Kind.NOT_FOUND) {
                Handshake.sendError(back, e);
            }
            throw e;
        }
    }

    private MirrorStats session(FrameReader in, FrameWriter back) {
        Handshake hs = new Handshake(back, in, name);
        Frame hello = hs.expect(FrameType.HELLO);
        Frame pfsdFrame = hs.expect(FrameType.PFSD);
        Pfsd sourceHeader = Codec.parse(pfsdFrame, Pfsd::parseFrom, name);
        PfsConfig source = Codec.config(sourceHeader, "source");
        PfsConfig target = sink.target(source);
        Handshake.checkPair(source, sourceHeader.getSyncEndTid(), sourceHeader.getPath(),
                Codec.pfsd(target, target.syncEndTid(), name, true), false);
        hs.sendHello(false, Frames.MIN_VERSION);
        back.write(FrameType.PFSD, Codec.pfsd(target, target.syncEndTid(), name, true).toByteArray());
        back.flush();
        FrameWriter out = null;
        long end = 0;
        long batches = 0;
        long bytes = 0;
        long synced = target.syncEndTid();
        boolean complete = false;
        try {
            while (true) {
                Frame f = in.next();
                if (f == null) {
                    throw HammerException.failure(name + ": the source's stream ended without a termination record");
                }
                switch (f.type()) {
                    case BATCH -> {
                        Batch b = Codec.parse(f, Batch::parseFrom, name);
                        if (out == null) {
                            end = b.getEndTid();
                            out = new FrameWriter(sink.open(source, b.getBegTid(), end), 0);
                            write(out, hello);
                            write(out, pfsdFrame);
                        }
                        write(out, f);
                    }
                    case RECORDS -> write(out, f);
                    case SYNC -> {
                        Sync s = Codec.parse(f, Sync::parseFrom, name);
                        write(out, f);
                        synced = s.getEndTid();
                        batches++;
                        back.write(FrameType.UPDATE, Update.newBuilder().setTid(s.getEndTid()).build().toByteArray());
                        back.flush();
                    }
                    case IDLE -> {
                        // nothing new: no output is opened for it
                    }
                    case TERM -> {
                        Term t = Codec.parse(f, Term::parseFrom, name);
                        if (out != null) {
                            write(out, f);
                            out.flush();
                            bytes = out.bytes();
                        }
                        complete = out != null && !t.getInterrupted() && synced == end;
                        return new MirrorStats(batches, 0, 0, bytes, synced, t.getInterrupted());
                    }
                    case ERROR -> throw Handshake.peerError(f, name);
                    default -> throw HammerException.corrupt(name + ": unexpected " + f.type() + " frame " + f.seq());
                }
            }
        } finally {
            if (out != null) {
                sink.close(complete, source.withLineage(Pfses.clip(source.lineage(), end)), end);
            }
            if (opts.verbose() > 1 && !opts.quiet() && complete) {
                opts.log().println("Mirror-write " + name + ": recorded up to " + Tid.format(end));
            }
        }
    }

    /** Writes a frame again, with its payload as received (the sink's stream numbers its own frames). */
    private void write(FrameWriter out, Frame f) {
        if (out == null) {
            throw HammerException.corrupt(name + ": " + f.type() + " frame " + f.seq() + " outside a batch");
        }
        out.write(f.type(), f.payload(), f.length());
    }
}
