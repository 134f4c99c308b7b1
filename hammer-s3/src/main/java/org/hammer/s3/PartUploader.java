package org.hammer.s3;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hammer.core.HammerException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Part;

/**
 * Writes one object as a multipart upload in bounded memory: two buffers of {@link #PART} bytes,
 * one filling while the other is sent. An upload left by an interrupted run is resumed: each part
 * it already holds with the same size and MD5 (its ETag) is not sent again, so a rerun that writes
 * the same bytes sends only what is missing. A held part with other bytes (the source changed, or
 * the upload belongs to another run) means the upload cannot be resumed: {@link Mismatch}.
 */
final class PartUploader extends OutputStream {
    static final int PART = 8 << 20;

    private final Bucket bucket;
    private final String key;
    private final String uploadId;
    private final Map<Integer, Part> held = new HashMap<>();
    private final List<CompletedPart> done = new ArrayList<>();
    private final ExecutorService sender;
    private byte[] buf = new byte[PART];
    private byte[] spare = new byte[PART];
    private int len;
    private int next = 1;
    private Future<?> sending;
    private long reusedBytes;
    private long sentBytes;
    private boolean closed;

    /** The existing upload of {@code key} when there is one (resumed), else a new one. */
    PartUploader(Bucket bucket, String key) {
        this.bucket = bucket;
        this.key = key;
        List<String> ids = bucket.uploads(key);
        String id = null;
        for (String u : ids) {
            if (id == null) {
                id = u;
            } else {
                bucket.abortUpload(key, u);
            }
        }
        if (id != null) {
            for (Part p : bucket.parts(key, id)) {
                held.put(p.partNumber(), p);
            }
        }
        this.uploadId = id != null ? id : bucket.startUpload(key);
        sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "s3-upload");
            t.setDaemon(true);
            return t;
        });
    }

    /** Thrown when a held part differs from the one this run writes. */
    static final class Mismatch extends HammerException {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(Kind.FAILURE, message);
        }
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int n) {
        while (n > 0) {
            if (len == PART) {
                part();
            }
            int k = Math.min(n, PART - len);
            System.arraycopy(b, off, buf, len, k);
            len += k;
            off += k;
            n -= k;
        }
    }

    /** Sends the buffered part (unless the upload holds it already) while the next one fills. */
    private void part() {
        int n = next++;
        byte[] data = buf;
        int size = len;
        Part have = held.get(n);
        // MD5 (the ETag of a part) only to compare with a part an interrupted upload holds
        if (have != null && have.size() == size && unquote(have.eTag()).equalsIgnoreCase(md5(data, size))) {
            done.add(CompletedPart.builder().partNumber(n).eTag(have.eTag()).build());
            reusedBytes += size;
            len = 0;
            return;
        }
        if (have != null) {
            throw new Mismatch(bucket.url() + ": the interrupted upload of " + key + " holds other data in part " + n);
        }
        await();
        buf = spare;
        spare = data;
        len = 0;
        sending = sender.submit(() -> {
            String etag = bucket.uploadPart(key, uploadId, n, data, size);
            synchronized (done) {
                done.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
            }
            sentBytes += size;
        });
    }

    private void await() {
        Future<?> f = sending;
        sending = null;
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HammerException.failure(bucket.url() + ": interrupted while uploading " + key);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new HammerException(HammerException.Kind.INTERNAL, e.getCause().toString(), e.getCause());
        }
    }

    /** Sends the last part and completes the object. */
    void complete() {
        if (len > 0 || next == 1) {
            part();
        }
        await();
        List<CompletedPart> parts = new ArrayList<>(done);
        parts.sort(java.util.Comparator.comparing(CompletedPart::partNumber));
        bucket.completeUpload(key, uploadId, parts);
        shutdown();
    }

    /** Stops without completing: the parts sent stay for a later run to resume. */
    void abandon() {
        try {
            await();
        } catch (RuntimeException ignored) {
            // already failing; the parts that made it stay
        } finally {
            shutdown();
        }
    }

    /** Drops the upload and every part of it. */
    void discard() {
        abandon();
        bucket.abortUpload(key, uploadId);
    }

    private void shutdown() {
        closed = true;
        sender.shutdown();
    }

    @Override
    public void close() {
        if (!closed) {
            abandon();
        }
    }

    long reusedBytes() {
        return reusedBytes;
    }

    long sentBytes() {
        return sentBytes;
    }

    private static String unquote(String etag) {
        return etag == null ? "" : etag.replace("\"", "");
    }

    private static String md5(byte[] b, int len) {
        try {
            MessageDigest m = MessageDigest.getInstance("MD5");
            m.update(b, 0, len);
            return HexFormat.of().formatHex(m.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
