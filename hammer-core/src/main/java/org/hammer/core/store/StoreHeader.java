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

/** The small text header of a store: format version, label, filesystem uuid and size limit. */
public record StoreHeader(int formatVersion, String label, UUID fsUuid, long maxSize) {

    public static final String FILE_NAME = "hammer-store";
    public static final int FORMAT_VERSION = 1;

    void write(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("format", Integer.toString(formatVersion));
        p.setProperty("label", label);
        p.setProperty("fs-uuid", fsUuid.toString());
        p.setProperty("max-size", Long.toString(maxSize));
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "hammer store header; do not edit");
        }
        Files.move(tmp, dir.resolve(FILE_NAME), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
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
            return new StoreHeader(version, p.getProperty("label", ""), UUID.fromString(p.getProperty("fs-uuid")),
                    Long.parseLong(p.getProperty("max-size", Long.toString(Store.DEFAULT_MAX_SIZE))));
        } catch (IOException | RuntimeException e) {
            if (e instanceof HammerException he) {
                throw he;
            }
            throw HammerException.corrupt(dir + ": unreadable store header: " + e.getMessage());
        }
    }
}
