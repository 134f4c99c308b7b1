package org.hammer.s3;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.hammer.core.HammerException;
import org.hammer.core.mirror.StreamRecorder;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.tid.Tid;

/**
 * Records one mirror session as one object of a chain: the stream, zstd-compressed, sealed when
 * the chain is encrypted, uploaded in parts, then listed in the manifest, which is written last.
 * Before the upload starts it leaves a note of the object's TID range, so that a run interrupted
 * in the middle of it resumes the same object (DESIGN.md §6.8).
 */
final class ChainSink implements StreamRecorder.Sink {
    private final Chain chain;
    private final Manifest manifest;
    private final boolean full;
    private final int zstdLevel;
    private final boolean note;
    private long beg;
    private String key;
    private PartUploader uploader;
    private MessageDigest sha;
    private Counting stored;
    private Counting stream;
    private OutputStream top;
    private Manifest.ChainObject written;
    private Manifest committed;

    /**
     * {@code full}: the target presents itself empty, so the source sends a new base; {@code note}:
     * leave the pending note that lets an interrupted upload resume (not for prune's bases).
     */
    ChainSink(Chain chain, Manifest manifest, boolean full, int zstdLevel, boolean note) {
        this.note = note;
        this.chain = chain;
        this.manifest = manifest;
        this.full = full;
        this.zstdLevel = zstdLevel;
    }

    /** Where this session starts: after the chain's end, or at TID 1 for a base. */
    long start() {
        return full || manifest == null ? Tid.INITIAL_SYNC : manifest.end();
    }

    @Override
    public PfsConfig target(PfsConfig source) {
        UUID shared = manifest == null ? source.sharedUuid() : manifest.sharedUuid();
        if (full && manifest != null && source.sharedUuid().equals(shared)) {
            ChainLineage.check(manifest, source, chain.url.toString());
        }
        return new PfsConfig(1, PfsMode.SLAVE, Tid.INITIAL_SYNC, start(), shared,
                new UUID(0x6861_6d6d_6572_7333L, 1), manifest == null ? source.label() : manifest.label(), null, 0,
                null, full || manifest == null ? List.of() : manifest.lineage());
    }

    @Override
    public OutputStream open(PfsConfig source, long begTid, long endTid) {
        this.beg = begTid;
        key = chain.objectKey(source.sharedUuid(), begTid, endTid);
        long[] pending = note ? chain.pending() : null;
        if (note && (pending == null || pending[0] != begTid || pending[1] != endTid)) {
            chain.writePending(begTid, endTid);
        }
        uploader = new PartUploader(chain.bucket, key);
        sha = Chain.sha256();
        stored = new Counting(new DigestOutputStream(new Unclosed(uploader), sha));
        OutputStream sealed = chain.sealer == null ? stored
                : chain.sealer.sealing(stored, key.substring(key.lastIndexOf('/') + 1));
        try {
            ZstdOutputStream z = new ZstdOutputStream(sealed, zstdLevel);
            z.setChecksum(true);
            stream = new Counting(z);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        top = stream;
        return top;
    }

    @Override
    public void close(boolean complete, PfsConfig source, long end) {
        if (!complete) {
            uploader.abandon();
            return;
        }
        try {
            top.close();
        } catch (IOException e) {
            uploader.abandon();
            throw HammerException.failure(chain.url + ": " + key + ": " + e.getMessage());
        }
        uploader.complete();
        written = new Manifest.ChainObject(beg, end, key, stored.count, HexFormat.of().formatHex(sha.digest()),
                stream.count, chain.clock.instant());
        Manifest now = chain.manifest();
        Manifest base = now != null ? now
                : new Manifest(source.sharedUuid(), source.label(), List.of(), List.of());
        List<Manifest.ChainObject> objs = new ArrayList<>(base.objects());
        objs.removeIf(o -> o.key().equals(written.key()));
        objs.add(written);
        boolean newest = now == null || Long.compareUnsigned(end, now.end()) >= 0;
        committed = base.with(objs, newest ? source.lineage() : now.lineage());
        chain.write(committed);
        if (note) {
            chain.clearPending();
        }
    }

    /** The object this session completed and listed, or null. */
    Manifest.ChainObject written() {
        return written;
    }

    long reusedBytes() {
        return uploader == null ? 0 : uploader.reusedBytes();
    }

    /** Drops a half-done upload that cannot be resumed, and its note. */
    void discard() {
        if (uploader != null) {
            uploader.discard();
        }
        if (note) {
            chain.clearPending();
        }
    }

    /** Counts the bytes written through it. */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }
    }

    /** Keeps close() of the streams above from closing (and so abandoning) the upload. */
    private static final class Unclosed extends FilterOutputStream {
        Unclosed(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() {
            // the uploader is completed or abandoned by the sink itself
        }
    }
}
