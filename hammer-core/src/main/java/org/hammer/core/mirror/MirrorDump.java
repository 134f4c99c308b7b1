package org.hammer.core.mirror;

import java.io.InputStream;
import java.io.PrintStream;
import org.hammer.core.HammerException;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsStatus;
import org.hammer.core.tid.Tid;
import org.hammer.proto.Batch;
import org.hammer.proto.Hello;
import org.hammer.proto.Idle;
import org.hammer.proto.Pfsd;
import org.hammer.proto.Rec;
import org.hammer.proto.Records;
import org.hammer.proto.Sync;
import org.hammer.proto.Term;
import org.hammer.proto.Update;

/** mirror-dump: prints a stream as text, one entry per frame and record, checking it as mirror-write would. */
public final class MirrorDump {
    private MirrorDump() {
    }

    /** Dumps {@code in}; with {@code headerOnly} prints only the first PFS header. Returns the frame count. */
    public static long dump(InputStream in, PrintStream out, boolean headerOnly) {
        FrameReader r = new FrameReader(in, "mirror-dump: stdin");
        long frames = 0;
        boolean inBatch = false;
        for (Frame f = r.next(); f != null; f = r.next()) {
            frames++;
            String who = "mirror-dump";
            switch (f.type()) {
                case HELLO -> {
                    Hello h = Codec.parse(f, Hello::parseFrom, who);
                    if (!headerOnly) {
                        out.printf("Hello  version=%d min-version=%d features=%s%n", h.getVersion(),
                                h.getMinVersion(), String.join(",", h.getFeaturesList()));
                    }
                }
                case PFSD -> {
                    Pfsd p = Codec.parse(f, Pfsd::parseFrom, who);
                    out.printf("PFS header %s PFS#%d {%n", p.getPath(), p.getPfsId());
                    out.print(PfsStatus.block(Codec.config(p, "stream"), p.getSyncEndTid()));
                    out.println("}");
                    if (headerOnly) {
                        return frames;
                    }
                }
                case BATCH -> {
                    Batch b = Codec.parse(f, Batch::parseFrom, who);
                    inBatch = true;
                    out.printf("Batch  %s..%s%s%n", Tid.format(b.getBegTid()), Tid.format(b.getEndTid()),
                            b.getResumeTid() == 0 ? "" : " resuming after " + Tid.format(b.getResumeTid()));
                }
                case RECORDS -> {
                    Records rs = Codec.parse(f, Records::parseFrom, who);
                    for (Rec rec : rs.getRecsList()) {
                        if (!headerOnly) {
                            record(out, rec);
                        }
                    }
                }
                case SYNC -> {
                    Sync s = Codec.parse(f, Sync::parseFrom, who);
                    inBatch = false;
                    out.printf("Sync   %s records=%d bytes=%d%n", Tid.format(s.getEndTid()), s.getRecords(),
                            s.getBytes());
                }
                case UPDATE -> out.printf("Update %s%n", Tid.format(Codec.parse(f, Update::parseFrom, who).getTid()));
                case IDLE -> out.printf("Idle   %s%n", Tid.format(Codec.parse(f, Idle::parseFrom, who).getTid()));
                case TERM -> {
                    Term t = Codec.parse(f, Term::parseFrom, who);
                    out.println("Term" + (t.getInterrupted() ? "   interrupted: " + t.getReason() : ""));
                }
                case ERROR -> throw Handshake.peerError(f, who);
                default -> throw HammerException.corrupt(who + ": unexpected frame " + f.type());
            }
        }
        if (inBatch) {
            out.println("Mirror-dump: Did not get termination sync record");
        }
        return frames;
    }

    private static void record(PrintStream out, Rec rec) {
        RecordKey k = Codec.key(rec.getKey(), "mirror-dump");
        out.printf("%s pfs=%05d obj=%016x key=%016x rt=%02x%s%n", rec.getPass() ? "Pass  " : "Record", k.pfs(),
                k.obj(), k.key(), k.type().code(),
                !rec.getPass() && org.hammer.core.btree.Record.dataCrc(rec.getData().toByteArray()) != rec.getDataCrc()
                        ? " (BAD CRC)" : "");
        out.printf("       tids %016x:%016x data=%d%n", k.createTid(), rec.getDeleteTid(), rec.getData().size());
    }
}
