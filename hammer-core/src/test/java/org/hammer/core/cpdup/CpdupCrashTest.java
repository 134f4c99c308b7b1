package org.hammer.core.cpdup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.hammer.core.fs.FsReader;
import org.hammer.core.store.Store;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills (SIGKILL) a child process importing a large file after some of its pieces have been
 * committed ({@link CpdupCrashChild}): the file must still show its earlier version, whole, and
 * the next import must bring the new one in and release what the killed one had staged.
 */
class CpdupCrashTest {
    @TempDir
    Path tmp;

    // src/a.txt   small, unchanged
    // src/big     1 MiB first, then 96 MiB: the child is killed after 80 MiB of it (commits of 16 MiB behind it)
    @Test
    void aCopyKilledInTheMiddleOfAFileLeavesItsEarlierVersion() throws Exception {
        Path store = tmp.resolve("disk.hammer");
        CpdupTest.newStore(store);
        String pfs = store.resolve("pfs/test").toString();
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "a");
        byte[] first = random(1 << 20, 1);
        Files.write(src.resolve("big"), first);
        Cpdup.copy(src.toString(), pfs, null);
        byte[] second = random(96 << 20, 2);
        Files.write(src.resolve("big"), second);

        Process child = start(src, pfs, 80L << 20);
        try {
            assertThat(awaitLine(child, "STALLED")).as("the child stalled mid-file").isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(digest(big(store))).as("the earlier version, whole, after the kill").isEqualTo(digest(first));
        assertThat(staged(store)).as("the unnamed part of big the killed copy committed").hasSize(1);
        Cpdup.copy(src.toString(), pfs, null);
        assertThat(digest(big(store))).as("the next run copies the new version").isEqualTo(digest(second));
        assertThat(staged(store)).as("released by the next copy").isEmpty();
    }

    private static List<String> staged(Path store) {
        try (Store s = Store.open(store)) {
            List<String> staged = new ArrayList<>();
            s.read(r -> {
                r.scanMeta(Staging.prefix(1), (k, v) -> staged.add(k));
                return null;
            });
            return staged;
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Length and SHA-256, so that a mismatch prints two short lines. */
    private static String digest(byte[] b) throws Exception {
        return b.length + " bytes, sha256 "
                + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static byte[] big(Path store) {
        try (Store s = Store.open(store)) {
            return s.read(r -> {
                FsReader fs = new FsReader(r, 1, Tid.MAX);
                long ino = fs.lookup(FsReader.ROOT, "big");
                byte[] out = new byte[(int) fs.getattr(ino).size()];
                fs.read(ino, 0, out, 0, out.length);
                return out;
            });
        }
    }

    /** Reads the child's output until {@code want} (true) or its end (false); bounded by the child's own stall limit. */
    private static boolean awaitLine(Process child, String want) throws IOException {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals(want)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Process start(Path src, String pfs, long stallAt) throws IOException {
        List<String> cmd = org.hammer.core.ChildJvm.command(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                CpdupCrashChild.class, src.toString(), pfs, Long.toString(stallAt));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
