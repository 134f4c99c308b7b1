package org.hammer.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.hammer.core.HammerException;

/**
 * Client-side encryption of a chain (S3.md): AES-256-GCM from the JDK over segments of 1 MiB, each
 * stored as {@code nonce(12) | ciphertext | tag(16)} after a 4-byte magic. Keys are derived from
 * the 32-byte key file with HMAC-SHA256 under fixed labels. A segment's additional data is the
 * object's stored name, its index and whether it is the last, so segments cannot be reordered,
 * dropped, cut off or moved to another object. Its nonce is derived from the same and the segment's
 * plaintext (a synthetic IV): the same bytes seal to the same ciphertext, which lets an upload
 * resume by comparing parts, and different bytes never share a nonce.
 */
final class Sealer {
    static final int SEGMENT = 1 << 20;
    private static final byte[] MAGIC = "HSE1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE = 12;
    private static final int TAG = 16;

    private final SecretKeySpec enc;
    private final byte[] nonceKey;
    private final byte[] nameKey;
    private final String keyId;

    private Sealer(byte[] master) {
        enc = new SecretKeySpec(hmac(master, "hammer s3 encryption"), "AES");
        nonceKey = hmac(master, "hammer s3 nonce");
        nameKey = hmac(master, "hammer s3 names");
        keyId = HexFormat.of().formatHex(hmac(master, "hammer s3 key id"), 0, 8);
    }

    /** Reads a key file: 32 bytes, or 64 hex digits (surrounding whitespace ignored). */
    static Sealer fromFile(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw HammerException.notFound("--key-file " + file + ": no such file");
        } catch (IOException e) {
            throw HammerException.failure("--key-file " + file + ": cannot read: " + e.getMessage());
        }
        String text = new String(raw, StandardCharsets.US_ASCII).strip();
        if (text.matches("[0-9a-fA-F]{64}")) {
            return new Sealer(HexFormat.of().parseHex(text));
        }
        if (raw.length == 32) {
            return new Sealer(raw);
        }
        throw HammerException.usage("--key-file " + file + ": expected 32 bytes or 64 hex digits (e.g. made by "
                + "'head -c 32 /dev/urandom > FILE'), found " + raw.length + " bytes");
    }

    /** A short id of the key, stored beside the sealed manifest to tell a wrong key from damage. */
    String keyId() {
        return keyId;
    }

    /** The stored name of an object: nothing of its TIDs or uuid shows. */
    String opaque(String logicalName) {
        return HexFormat.of().formatHex(hmac(nameKey, logicalName), 0, 20);
    }

    byte[] seal(byte[] plain, String objectName) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(plain.length + 64);
        try (OutputStream o = sealing(b, objectName)) {
            o.write(plain);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toByteArray();
    }

    byte[] open(byte[] sealed, String objectName, String what) {
        try (InputStream in = opening(new java.io.ByteArrayInputStream(sealed), objectName, what)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw HammerException.corrupt(what + ": " + e.getMessage());
        }
    }

    /** Seals what is written to {@code out}, segment by segment; close() writes the last segment. */
    OutputStream sealing(OutputStream out, String objectName) {
        return new SealingStream(out, objectName);
    }

    /** Opens a sealed stream; any damage is a CORRUPT failure naming {@code what}. */
    InputStream opening(InputStream in, String objectName, String what) {
        return new OpeningStream(in, objectName, what);
    }

    private byte[] aad(String objectName, long index, boolean last) {
        byte[] name = objectName.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 9).put(name).putLong(index).put((byte) (last ? 1 : 0)).array();
    }

    private byte[] nonce(byte[] aad, byte[] plain, int len) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(nonceKey, "HmacSHA256"));
            m.update(aad);
            m.update(plain, 0, len);
            return Arrays.copyOf(m.doFinal(), NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String label) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class SealingStream extends OutputStream {
        private final OutputStream out;
        private final String name;
        private final byte[] buf = new byte[SEGMENT];
        private int len;
        private long index;
        private boolean closed;

        SealingStream(OutputStream out, String name) {
            this.out = out;
            this.name = name;
            try {
                out.write(MAGIC);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int n) throws IOException {
            while (n > 0) {
                if (len == SEGMENT) {
                    segment(false);
                }
                int k = Math.min(n, SEGMENT - len);
                System.arraycopy(b, off, buf, len, k);
                len += k;
                off += k;
                n -= k;
            }
        }

        /** Seals the buffered segment; a full one is written only once more data follows it. */
        private void segment(boolean last) throws IOException {
            byte[] aad = aad(name, index++, last);
            byte[] nonce = nonce(aad, buf, len);
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, enc, new GCMParameterSpec(TAG * 8, nonce));
                c.updateAAD(aad);
                out.write(nonce);
                out.write(c.doFinal(buf, 0, len));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            len = 0;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                segment(true);
                out.close();
            }
        }
    }

    private final class OpeningStream extends InputStream {
        private final InputStream in;
        private final String name;
        private final String what;
        private final byte[] stored = new byte[NONCE + SEGMENT + TAG + 1];
        private int storedLen;
        private byte[] plain = new byte[0];
        private int pos;
        private long index;
        private boolean last;

        OpeningStream(InputStream in, String name, String what) {
            this.in = in;
            this.name = name;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int n) throws IOException {
            while (pos == plain.length) {
                if (last) {
                    return -1;
                }
                next();
            }
            int k = Math.min(n, plain.length - pos);
            System.arraycopy(plain, pos, b, off, k);
            pos += k;
            return k;
        }

        private void next() throws IOException {
            if (index == 0 && storedLen == 0) {
                byte[] magic = in.readNBytes(MAGIC.length);
                if (!Arrays.equals(magic, MAGIC)) {
                    throw HammerException.corrupt(what + ": not an encrypted hammer object (bad magic)");
                }
            }
            // Keep one byte beyond a full segment: whether more follows tells the last segment.
            int want = NONCE + SEGMENT + TAG + 1;
            int got = storedLen + in.readNBytes(stored, storedLen, want - storedLen);
            boolean isLast = got < want;
            int segLen = isLast ? got : want - 1;
            if (segLen < NONCE + TAG) {
                throw HammerException.corrupt(what + ": encrypted object cut short");
            }
            byte[] aad = aad(name, index++, isLast);
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, enc, new GCMParameterSpec(TAG * 8, stored, 0, NONCE));
                c.updateAAD(aad);
                plain = c.doFinal(stored, NONCE, segLen - NONCE);
            } catch (AEADBadTagException e) {
                throw HammerException.corrupt(what + ": authentication failed in segment " + (index - 1)
                        + " (the object was changed, cut or replaced)");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            pos = 0;
            last = isLast;
            if (!isLast) {
                stored[0] = stored[want - 1];
                storedLen = 1;
            } else {
                storedLen = 0;
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
