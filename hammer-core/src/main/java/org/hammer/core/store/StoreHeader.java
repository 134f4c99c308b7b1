package org.hammer.core.store;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import org.hammer.core.HammerException;

/**
 * The small text header of a store: format version, label, filesystem uuid and size limit, with a
 * CRC32C over those fields. Written once by newfs, durably (file and directory synced).
 */
public record StoreHeader(int formatVersion, String label, UUID fsUuid, long maxSize) {

    public static final String FILE_NAME = "hammer-store";
    /**
     * 4: a regular file's inode counts its stored blocks (layout 2), so that st_blocks needs no
     * walk over them; files made before keep layout 1 and are walked as before. 3: a block's data
     * in a table of its own (blocks), so that a record's delete TID is set
     * without copying its data. 2: record checksums over key and value, checksummed change index
     * and meta entries, the seal; read and written as they are (every record keeps its data in its
     * value). Version 1 stores checked only record data; they are refused, not misread (FORMAT.md).
     */
    public static final int FORMAT_VERSION = 4;
    /** The first format whose inodes count their files' blocks. */
    public static final int COUNTED_INODES = 4;
    /** The oldest format read and written. */
    public static final int OLDEST_FORMAT = 2;

    /** One line on what format {@code version} is, for {@code hammer version}. */
    public static String describe(int version) {
        return switch (version) {
            case 1 -> "data checksums only (no longer read)";
            case 2 -> "record checksums over key and value, the seal; a record holds its data";
            case 3 -> "a block's data in a table of its own: removals and overwrites leave it where it is";
            case 4 -> "a file's inode counts its stored blocks: st_blocks without a walk over them";
            default -> "unknown";
        };
    }

    private String crcInput() {
        return formatVersion + "\n" + label + "\n" + fsUuid + "\n" + maxSize;
    }

    private String crc() {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(crcInput().getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", c.getValue());
    }

    void write(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("format", Integer.toString(formatVersion));
        p.setProperty("label", label);
        p.setProperty("fs-uuid", fsUuid.toString());
        p.setProperty("max-size", Long.toString(maxSize));
        p.setProperty("crc32c", crc());
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                java.nio.file.StandardOpenOption.WRITE);
                Writer w = java.nio.channels.Channels.newWriter(ch, StandardCharsets.UTF_8)) {
            p.store(w, "hammer store header; do not edit");
            w.flush();
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE_NAME), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
    }

    /** Makes a rename in {@code dir} durable (fsync of the directory). */
    static void syncDirectory(Path dir) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir,
                java.nio.file.StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static StoreHeader read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw HammerException.notFound(dir + ": not a hammer store (no " + FILE_NAME + ")");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            int version = Integer.parseInt(p.getProperty("format", "0"));
            if (version > FORMAT_VERSION) {
                throw HammerException.refused(dir + ": store format version " + version
                        + " is newer than this hammer supports (" + FORMAT_VERSION + ")");
            }
            if (version < OLDEST_FORMAT) {
                throw HammerException.refused(dir + ": store format version " + version
                        + " checksums only record data and is not read by this hammer (format " + FORMAT_VERSION
                        + "): export it with the hammer that made it (hammer cpdup STORE/... DIR) and import"
                        + " the tree into a new store");
            }
            StoreHeader h = new StoreHeader(version, p.getProperty("label", ""), UUID.fromString(p.getProperty("fs-uuid")),
                    Long.parseLong(p.getProperty("max-size", Long.toString(Store.DEFAULT_MAX_SIZE))));
            if (!h.crc().equals(p.getProperty("crc32c"))) {
                throw HammerException.corrupt(dir + ": store damaged: " + FILE_NAME + " does not match its checksum");
            }
            return h;
        } catch (IOException | RuntimeException e) {
            if (e instanceof HammerException he) {
                throw he;
            }
            throw HammerException.corrupt(dir + ": unreadable store header: " + e.getMessage());
        }
    }
}
