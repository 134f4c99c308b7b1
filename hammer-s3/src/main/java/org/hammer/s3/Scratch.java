package org.hammer.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;

/**
 * A store made for one command and removed after it: where a chain is restored to be compared
 * (mirror-verify) or consolidated into a new base (mirror-prune). Under {@code $TMPDIR} unless
 * {@code HAMMER_S3_SCRATCH} names a directory with room for the PFS.
 */
final class Scratch implements AutoCloseable {
    private final Path dir;

    Scratch() {
        try {
            String base = System.getenv("HAMMER_S3_SCRATCH");
            Path parent = base == null || base.isBlank() ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(base);
            Files.createDirectories(parent);
            dir = Files.createTempDirectory(parent, "hammer-s3-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a scratch directory: " + e.getMessage(), e);
        }
        try (Store s = Store.create(dir.resolve("store"), "scratch", Store.DEFAULT_MAX_SIZE)) {
            Pfses.format(s, "scratch");
        }
    }

    /** The path of the scratch slave (created by the first restore into it). */
    String slave() {
        return dir.resolve("store").resolve("chain").toString();
    }

    @Override
    public void close() {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover in the temporary directory
        }
    }
}
