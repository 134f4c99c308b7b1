package org.hammer.s3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.hammer.core.HammerException;
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
        dir = directory("hammer-s3-");
        try (Store s = Store.create(dir.resolve("store"), "scratch", Store.DEFAULT_MAX_SIZE)) {
            Pfses.format(s, "scratch");
        }
    }

    /** The path of the scratch slave (created by the first restore into it). */
    String slave() {
        return dir.resolve("store").resolve("chain").toString();
    }

    /** A new directory under {@code $HAMMER_S3_SCRATCH}, or else {@code $TMPDIR}. */
    static Path directory(String prefix) {
        String base = System.getenv("HAMMER_S3_SCRATCH");
        Path parent = base == null || base.isBlank() ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(base);
        try {
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, prefix);
        } catch (IOException e) {
            throw HammerException.failure("cannot make a scratch directory in " + parent + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        remove(dir);
    }

    /** Removes a directory and everything in it; a leftover in the temporary directory is no failure. */
    static void remove(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover in the temporary directory
        }
    }
}
