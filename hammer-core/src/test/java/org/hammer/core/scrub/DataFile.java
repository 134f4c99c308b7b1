package org.hammer.core.scrub;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Byte surgery on a store's data.mdb for damage tests: find what a test wrote, flip bytes. LMDB
 * leaf nodes (mdb.c {@code MDB_node}) are {@code lo u16, hi u16, flags u16, ksize u16, key, data}
 * (little-endian on x86), with the data size in lo|hi; overflow values sit raw after a 16-byte
 * page header. Copy-on-write leaves stale copies of leaf pages in free pages: a test changes every
 * copy, and the live one is among them.
 */
final class DataFile {
    private final Path file;

    DataFile(Path storeDir) {
        this.file = storeDir.resolve("data.mdb");
    }

    byte[] bytes() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Offsets of every occurrence of {@code pattern}. */
    List<Long> find(byte[] pattern) {
        byte[] all = bytes();
        List<Long> at = new ArrayList<>();
        outer:
        for (int i = 0; i + pattern.length <= all.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (all[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            at.add((long) i);
        }
        return at;
    }

    /**
     * Offsets of the data of every leaf node whose key is {@code key} and whose data has
     * {@code size} bytes ({@code -1}: any size).
     */
    List<Long> leafValues(byte[] key, int size) {
        byte[] all = bytes();
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        List<Long> at = new ArrayList<>();
        for (long k : find(key)) {
            int n = (int) k - 8;
            if (n < 0) {
                continue;
            }
            int dataSize = Short.toUnsignedInt(b.getShort(n)) | Short.toUnsignedInt(b.getShort(n + 2)) << 16;
            int flags = Short.toUnsignedInt(b.getShort(n + 4));
            int ksize = Short.toUnsignedInt(b.getShort(n + 6));
            if ((size < 0 || dataSize == size) && flags == 0 && ksize == key.length) {
                at.add(k + key.length);
            }
        }
        return at;
    }

    void flip(long offset) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int v = f.read();
            f.seek(offset);
            f.write(v ^ 0x5a);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(long offset, byte[] bytes) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
