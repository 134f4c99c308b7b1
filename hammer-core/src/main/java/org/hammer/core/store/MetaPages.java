package org.hammer.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.hammer.core.HammerException;

/**
 * Checks an LMDB data file before it is mapped, reading its two meta pages with plain reads.
 * LMDB maps the file and trusts it: a file shorter than its newest meta page says is a SIGBUS in
 * native code (the JVM dies), and an empty file is silently made a new environment. So the file
 * must exist, hold both meta pages with LMDB's magic and version, their transaction ids must be
 * consecutive (LMDB writes them alternately), and the file must be at least as long as the
 * newest one's last page. Layout from LMDB's {@code MDB_page} and {@code MDB_meta} (mdb.c,
 * 64-bit): page header 16 bytes, then magic u32, version u32, address, mapsize, two
 * {@code MDB_db} of 48 bytes (the first's pad is the page size), last_pg u64, txnid u64.
 */
record MetaPages(int pageSize, long lastPage, long txnId, long mainRoot) {

    static final String DATA_FILE = "data.mdb";
    private static final int MAGIC = 0xBEEFC0DE;
    private static final int DATA_VERSION = 1;
    private static final int P_META = 0x08;
    private static final long P_INVALID = -1L;
    private static final int META_BYTES = 16 + 136;
    /** The environment's persistent flags, kept in the free list's record: LMDB's MDB_INTEGERKEY. */
    private static final int FREE_FLAGS = 0x08;
    /** LMDB's cursor stack holds 32 pages. */
    private static final int MAX_DEPTH = 32;

    /** Reads and checks the meta pages of {@code dir}'s data file; damage is a CORRUPT failure. */
    static MetaPages check(Path dir) {
        Path file = dir.resolve(DATA_FILE);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Meta m0 = meta(read(ch, 0, size, file), 0, file);
            int pageSize = m0.pageSize;
            if (Integer.bitCount(pageSize) != 1 || pageSize < 512 || pageSize > 65536) {
                throw damaged(file, "meta page 0 gives an impossible page size " + pageSize);
            }
            Meta m1 = meta(read(ch, pageSize, size, file), 1, file);
            if (m1.pageSize != pageSize) {
                throw damaged(file, "the meta pages disagree on the page size");
            }
            Meta newest = Long.compareUnsigned(m0.txnId, m1.txnId) < 0 ? m1 : m0;
            Meta other = newest == m0 ? m1 : m0;
            if (newest.txnId - other.txnId != 1 || (newest.txnId & 1) != newest.index) {
                throw damaged(file, "meta pages with transaction ids " + m0.txnId + " and " + m1.txnId
                        + " (they alternate and differ by one)");
            }
            for (Meta m : new Meta[] {m0, m1}) {
                long pages = m.lastPage + 1;
                if (m.lastPage < 1 || pages > Long.MAX_VALUE / pageSize) {
                    throw damaged(file, "meta page " + m.index + " gives an impossible last page " + m.lastPage);
                }
                if (m.freeFlags != FREE_FLAGS || m.mainFlags != 0) {
                    throw damaged(file, String.format("meta page %d gives table flags 0x%x and 0x%x (hammer's are 0x%x and 0)",
                            m.index, m.freeFlags, m.mainFlags, FREE_FLAGS));
                }
                if (m.freeDepth > MAX_DEPTH || m.mainDepth > MAX_DEPTH) {
                    throw damaged(file, "meta page " + m.index + " gives an impossible tree depth");
                }
                for (long root : new long[] {m.freeRoot, m.mainRoot}) {
                    if (root != P_INVALID && (root < 2 || root > m.lastPage)) {
                        throw damaged(file, "meta page " + m.index + " points at page " + root
                                + " beyond its last page " + m.lastPage);
                    }
                }
            }
            long needed = (newest.lastPage + 1) * pageSize;
            if (size < needed) {
                throw damaged(file, "truncated: " + size + " bytes, its newest commit needs " + needed);
            }
            return new MetaPages(pageSize, newest.lastPage, newest.txnId, newest.mainRoot);
        } catch (NoSuchFileException e) {
            throw damaged(file, "missing");
        } catch (IOException e) {
            throw HammerException.failure(file + ": " + e.getMessage());
        }
    }

    private record Meta(int index, int pageSize, int freeFlags, int freeDepth, long freeRoot, int mainFlags,
            int mainDepth, long mainRoot, long lastPage, long txnId) {
    }

    private static ByteBuffer read(FileChannel ch, long at, long size, Path file) throws IOException {
        if (size < at + META_BYTES) {
            throw damaged(file, size == 0 ? "empty (0 bytes)" : "truncated: " + size + " bytes, shorter than its meta pages");
        }
        ByteBuffer b = ByteBuffer.allocate(META_BYTES).order(ByteOrder.nativeOrder());
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw damaged(file, "truncated inside its meta pages");
            }
        }
        return b.flip();
    }

    private static Meta meta(ByteBuffer p, int index, Path file) {
        if ((p.getShort(10) & P_META) == 0 || p.getInt(16) != MAGIC) {
            throw damaged(file, "meta page " + index + " is not an LMDB meta page");
        }
        if (p.getInt(20) != DATA_VERSION) {
            throw damaged(file, "meta page " + index + " has LMDB data version " + p.getInt(20));
        }
        return new Meta(index, p.getInt(40), p.getShort(44) & 0xffff, p.getShort(46) & 0xffff, p.getLong(16 + 24 + 40),
                p.getShort(92) & 0xffff, p.getShort(94) & 0xffff, p.getLong(16 + 72 + 40), p.getLong(136), p.getLong(144));
    }

    static HammerException damaged(Path file, String what) {
        return HammerException.corrupt(file.getParent() + ": store damaged: " + file.getFileName() + " " + what);
    }
}
