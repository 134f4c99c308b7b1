package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hammer.cli.fuse.MountHarness.ok;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.hammer.fixtures.MirrorPair;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A slave mounted while {@code mirror-stream} feeds it: each sync shows under the mount without a
 * remount (new files, rewritten files, removed files), and every kind of write is refused with
 * EROFS, between syncs as well as after them.
 */
@Tag("fuse")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MountSlaveStreamIT {
    /** Each statement, run as root in the slave's mount, and the errno it must fail with. */
    private static final List<String> WRITES = List.of(
            "open('new', 'w')",
            "open('first', 'a')",
            "os.truncate('first', 0)",
            "os.mkdir('dir')",
            "os.unlink('first')",
            "os.rename('first', 'moved')",
            "os.symlink('first', 'sym')",
            "os.link('first', 'hard')",
            "os.chmod('first', 0o600)",
            "os.chown('first', 1, 1)",
            "os.utime('first', None)",
            "os.setxattr('first', 'user.x', b'1')",
            "os.mkfifo('fifo')");

    @Test
    void aMountedSlaveShowsEachSyncAndRefusesEveryWrite() throws Exception {
        assumeTrue(MountHarness.available(), "needs root, /dev/fuse and fusermount");
        try (MountHarness h = new MountHarness(); MirrorPair pair = MirrorPair.create(h.dir.resolve("pair"), true)) {
            pair.write("first", bytes("v0"));
            Path mnt = h.mount(pair.slavePath(), h.dir("slave"));
            assertThat(ok(mnt, "ls -A")).isEmpty();
            Path log = h.dir.resolve("stream.log");
            Process stream = new ProcessBuilder(h.hammer.launcher().toString(), "mirror-stream", "-i", "0",
                    pair.masterPath(), pair.slavePath()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                Map<String, String> expected = new TreeMap<>(Map.of("first", "v0"));
                for (int i = 1; i <= 5; i++) {
                    pair.write("f" + i, bytes("new " + i));
                    pair.write("first", bytes("v" + i));
                    expected.put("f" + i, "new " + i);
                    expected.put("first", "v" + i);
                    if (i == 3) {
                        pair.remove("f1");
                        expected.remove("f1");
                    }
                    await(() -> expected.equals(contents(mnt)), "sync " + i + " under the mount: " + expected, log);
                    assertThat(errnos(mnt)).as("writes to the slave after sync %d", i)
                            .containsOnly("EROFS").hasSize(WRITES.size());
                }
                assertThat(contents(mnt)).isEqualTo(expected);
            } finally {
                stream.destroy();
                if (!stream.waitFor(10, TimeUnit.SECONDS)) {
                    stream.destroyForcibly();
                }
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The files of the mount's root and their contents; empty while the slave has no root yet. */
    private static Map<String, String> contents(Path mnt) {
        Map<String, String> m = new TreeMap<>();
        try (var s = Files.list(mnt)) {
            for (Path p : s.toList()) {
                m.put(p.getFileName().toString(), Files.readString(p));
            }
        } catch (IOException e) {
            return Map.of("(error)", e.toString());
        }
        return m;
    }

    /** The errno name each statement of {@link #WRITES} fails with ("OK" if it does not). */
    private static List<String> errnos(Path mnt) {
        StringBuilder b = new StringBuilder("/usr/bin/python3 - <<'EOF'\nimport errno, os\n");
        for (String st : WRITES) {
            b.append("try:\n    ").append(st).append("\n    print('OK')\n")
                    .append("except OSError as e:\n    print(errno.errorcode[e.errno])\n");
        }
        b.append("EOF");
        return List.of(ok(mnt, b.toString()).trim().split("\n"));
    }

    /** Polls {@code done} every 20 ms for at most 30 s. */
    private static void await(BooleanSupplier done, String what, Path log) throws IOException {
        for (int i = 0; i < 1500; i++) {
            if (done.getAsBoolean()) {
                return;
            }
            MountHarness.sleep(20);
        }
        throw new AssertionError("not within 30 s: " + what + "; mirror-stream log: " + Files.readString(log));
    }
}
