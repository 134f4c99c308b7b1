package org.hammer.s3;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.hammer.core.HammerException;

/**
 * A chain at {@code s3://BUCKET/PREFIX}: reads and writes its manifest and its pending-upload
 * note, names its objects, and opens an object for reading with every check: the SHA-256 the
 * manifest lists, the cipher's authentication when sealed, zstd's own checksum.
 */
final class Chain implements AutoCloseable {
    private static final String SEALED = "hammer-chain-sealed 1 aes-256-gcm ";

    final Bucket bucket;
    final S3Url url;
    final Sealer sealer;
    /** The time objects are dated with, and {@code --base-every} compares with (a test sets its own). */
    final Clock clock;

    private Chain(Bucket bucket, S3Url url, Sealer sealer, Clock clock) {
        this.bucket = bucket;
        this.url = url;
        this.sealer = sealer;
        this.clock = clock;
    }

    /** Opens the chain; {@code keyFile} (may be null) seals a new chain and is required by a sealed one. */
    static Chain open(S3Url url, Path keyFile) {
        Sealer s = keyFile == null ? null : Sealer.fromFile(keyFile);
        Bucket b = Bucket.open(url);
        try {
            b.check();
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return new Chain(b, url, s, Clock.systemUTC());
    }

    /** The same chain addressed as of another point (shares this chain's client). */
    Chain at(S3Url other) {
        return new Chain(bucket, other, sealer, clock);
    }

    /** The same chain, its objects dated by {@code c} (shares this chain's client). */
    Chain withClock(Clock c) {
        return new Chain(bucket, url, sealer, c);
    }

    String key(String name) {
        return url.key(name);
    }

    /** The manifest, or null for an empty prefix; refuses a missing or wrong key. */
    Manifest manifest() {
        byte[] raw = bucket.get(key(Manifest.KEY));
        if (raw == null) {
            return null;
        }
        String what = url + ": manifest " + key(Manifest.KEY);
        String head = new String(raw, 0, Math.min(raw.length, 80), StandardCharsets.ISO_8859_1);
        if (head.startsWith(SEALED)) {
            int nl = head.indexOf('\n');
            String id = nl < 0 ? "" : head.substring(SEALED.length(), nl);
            if (sealer == null) {
                throw HammerException.refused(url + ": the chain is encrypted; give its key with --key-file");
            }
            if (!id.equals(sealer.keyId())) {
                throw HammerException.refused(url + ": wrong key: the chain was encrypted with key " + id
                        + ", --key-file holds key " + sealer.keyId());
            }
            byte[] body = Arrays.copyOfRange(raw, nl + 1, raw.length);
            return Manifest.decode(new String(sealer.open(body, Manifest.KEY, what), StandardCharsets.UTF_8), what);
        }
        if (sealer != null) {
            throw HammerException.refused(url + ": the chain is not encrypted; leave out --key-file (or use a new prefix)");
        }
        return Manifest.decode(new String(raw, StandardCharsets.UTF_8), what);
    }

    void write(Manifest m) {
        bucket.put(key(Manifest.KEY), seal(m.encode(), Manifest.KEY));
    }

    private byte[] seal(String text, String name) {
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        if (sealer == null) {
            return plain;
        }
        byte[] head = (SEALED + sealer.keyId() + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = sealer.seal(plain, name);
        byte[] out = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    /** The stored key of the object holding {@code (beg, end]}. */
    String objectKey(UUID shared, long beg, long end) {
        String logical = Manifest.logicalName(shared, beg, end);
        return key(Manifest.OBJECTS + (sealer == null ? logical + ".zst" : sealer.opaque(logical)));
    }

    /** The range of the object whose upload may be in progress: {@code {beg, end}}, or null. */
    long[] pending() {
        byte[] raw = bucket.get(key(Manifest.PENDING_KEY));
        if (raw == null) {
            return null;
        }
        try {
            String text = new String(sealer == null ? raw : sealer.open(raw, Manifest.PENDING_KEY, "pending"),
                    StandardCharsets.UTF_8).strip();
            String[] f = text.split(" ");
            return new long[] {Long.parseUnsignedLong(f[0], 16), Long.parseUnsignedLong(f[1], 16)};
        } catch (RuntimeException e) {
            return null; // a note we cannot read only costs a restart of that object
        }
    }

    void writePending(long beg, long end) {
        String text = String.format("%016x %016x%n", beg, end);
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        bucket.put(key(Manifest.PENDING_KEY), sealer == null ? plain : sealer.seal(plain, Manifest.PENDING_KEY));
    }

    void clearPending() {
        bucket.delete(key(Manifest.PENDING_KEY));
    }

    /** The object's stored bytes, checked against the manifest's SHA-256 once read to the end. */
    InputStream stored(Manifest.ChainObject o) {
        return checked(o, bucket.stream(o.key()));
    }

    /** {@code raw} (an object's stored bytes), checked against the manifest's SHA-256 once read to the end. */
    InputStream checked(Manifest.ChainObject o, InputStream raw) {
        MessageDigest sha = sha256();
        String what = url + ": object " + o.key() + " (" + o.describe() + ")";
        return new DigestInputStream(raw, sha) {
            private boolean checked;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                    check();
                }
                return n;
            }

            @Override
            public int read() throws IOException {
                int n = super.read();
                if (n < 0) {
                    check();
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                if (!checked) {
                    byte[] rest = new byte[1 << 16];
                    while (read(rest, 0, rest.length) >= 0) {
                        // the digest covers the whole object
                    }
                }
                super.close();
            }

            private void check() {
                if (!checked) {
                    checked = true;
                    String got = HexFormat.of().formatHex(sha.digest());
                    if (!got.equals(o.sha256())) {
                        throw HammerException.corrupt(what + ": checksum mismatch (SHA-256 " + got + ", manifest "
                                + o.sha256() + ")");
                    }
                }
            }
        };
    }

    /** The mirror stream an object holds: opened (when sealed) and decompressed, every check on the way. */
    InputStream stream(Manifest.ChainObject o) {
        return decode(o, stored(o));
    }

    /** The mirror stream in {@code stored} (the object's stored bytes): opened when sealed, decompressed, checked. */
    InputStream decode(Manifest.ChainObject o, InputStream stored) {
        InputStream in = stored;
        String what = url + ": object " + o.key() + " (" + o.describe() + ")";
        if (sealer != null) {
            in = sealer.opening(in, o.key().substring(o.key().lastIndexOf('/') + 1), what);
        }
        try {
            ZstdInputStream z = new ZstdInputStream(in);
            return new CorruptionNaming(z, what);
        } catch (IOException e) {
            throw HammerException.corrupt(what + ": " + e.getMessage());
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        bucket.close();
    }

    /** zstd's failures (a bad frame, a checksum) as CORRUPT, naming the object. */
    private static final class CorruptionNaming extends java.io.FilterInputStream {
        private final String what;

        CorruptionNaming(InputStream in, String what) {
            super(in);
            this.what = what;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw HammerException.corrupt(what + ": damaged (" + e.getMessage() + ")");
            } catch (UncheckedIOException e) {
                throw HammerException.corrupt(what + ": damaged (" + e.getMessage() + ")");
            }
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }
    }
}
