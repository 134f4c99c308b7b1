package org.hammer.man;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ./install} adds for boot: the systemd units, checked by {@code systemd-analyze
 * verify}, and the mount(8) helper, run as mount(8) and hammer-mount@.service run it, with real
 * FUSE mounts.
 *
 * <pre>
 * tmp/prefix/{bin/hammer, sbin/mount.fuse.hammer, lib/systemd/system/hammer-*@.service, ...}
 * tmp/disk.hammer              a store; pfs/test a master PFS holding hello
 * tmp/mnt, tmp/pfsmnt          mount points
 * tmp/etc/mount/NAME.conf      the unit's configuration; tmp/fstab an fstab
 * </pre>
 */
class BootIT {
    @TempDir
    Path tmp;
    Path prefix;
    private final List<Path> mounted = new ArrayList<>();

    @BeforeEach
    void install() throws Exception {
        prefix = tmp.resolve("prefix");
        Path root = Path.of(System.getProperty("hammer.launcher", "../hammer")).toAbsolutePath().getParent();
        ok(run(Map.of(), root.resolve("install").toString(), "--prefix", prefix.toString()));
    }

    @AfterEach
    void unmount() throws Exception {
        for (Path m : mounted) {
            run(Map.of(), "fusermount3", "-uz", m.toString());
        }
    }

    @Test
    void theInstalledUnitsPassSystemdAnalyzeVerify() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "needs systemd-analyze (.ci/run installs systemd)");
        Path units = prefix.resolve("lib/systemd/system");
        assertThat(units.resolve("hammer-mount@.service")).exists();
        assertThat(Files.readString(units.resolve("hammer-mirror-stream@.service")))
                .contains("ExecStart=" + prefix + "/bin/hammer mirror-stream", "Restart=on-failure",
                        "SuccessExitStatus=143", "After=local-fs.target remote-fs.target network-online.target");
        assertThat(Files.readString(units.resolve("hammer-mount@.service")))
                .contains("ExecStart=" + prefix + "/sbin/mount.fuse.hammer --unit %f", "Before=remote-fs.target");

        Result verify = verify(units.resolve("hammer-mount@Backup1.service"),
                units.resolve("hammer-mirror-stream@test.service"));
        assertThat(verify.code()).as(verify.out()).isZero();
        assertThat(verify.out()).as("no warning either").isEmpty();

        // The same check on a unit with a mistake fails: it is not one that passes whatever it reads.
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve("hammer-mirror-stream@.service"),
                Files.readString(units.resolve("hammer-mirror-stream@.service")).replace(prefix + "/bin/hammer",
                        prefix + "/bin/no-such-hammer"));
        Result bad = verify(broken.resolve("hammer-mirror-stream@test.service"));
        assertThat(bad.code()).isNotZero();
        assertThat(bad.out()).contains("no-such-hammer");

        ok(run(Map.of(), Path.of(System.getProperty("hammer.launcher", "../hammer")).toAbsolutePath().getParent()
                .resolve("install").toString(), "--uninstall", "--prefix", prefix.toString()));
        assertThat(units.resolve("hammer-mount@.service")).doesNotExist();
        assertThat(prefix.resolve("sbin/mount.fuse.hammer")).doesNotExist();
    }

    @Test
    void theHelperMountsAStoreAndAPfsAsMountWouldAndTheUnitsConfiguration() throws Exception {
        assumeTrue(fuse(), "needs root, /dev/fuse and fusermount3");
        Path store = tmp.resolve("disk.hammer");
        Map<String, String> env = Map.of("HAMMER_RUN_DIR", Files.createDirectories(tmp.resolve("run")).toString());
        ok(run(env, hammer(), "newfs", store.toString()));
        ok(run(env, hammer(), "pfs-master", store + "/pfs/test"));
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("hello"), "hello\n");
        ok(run(env, hammer(), "cpdup", data.toString(), store + "/pfs/test"));
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path pfsMnt = Files.createDirectories(tmp.resolve("pfsmnt"));
        String helper = prefix.resolve("sbin/mount.fuse.hammer").toString();

        // mount(8) runs /sbin/mount.fuse.hammer SPEC DIR [-sfnvrw] -o OPTIONS for "fuse.hammer" lines.
        ok(run(env, helper, store.toString(), mnt.toString(), "-n", "-o",
                "rw,noauto,_netdev,nofail,x-systemd.automount,comment=x"));
        mounted.add(mnt);
        ok(run(env, helper, store + "/pfs/test", pfsMnt.toString(), "-r", "-o", "defaults"));
        mounted.add(pfsMnt);

        assertThat(mountLine(mnt)).contains(" fuse.hammer rw,");
        assertThat(mountLine(pfsMnt)).contains(" fuse.hammer ro,");
        assertThat(Files.readString(pfsMnt.resolve("hello"))).isEqualTo("hello\n");
        assertThat(run(env, "touch", pfsMnt.resolve("nope").toString()).out()).contains("Read-only file system");
        Files.writeString(mnt.resolve("written-through-the-mount"), "x");
        ok(run(env, hammer(), "umount", pfsMnt.toString()));
        ok(run(env, hammer(), "umount", mnt.toString()));
        assertThat(mountLine(mnt)).isEmpty();
        assertThat(mountLine(pfsMnt)).isEmpty();

        // hammer-mount@.service runs "mount.fuse.hammer --unit MOUNTPOINT": the conf file first, then fstab.
        Path etc = tmp.resolve("etc");
        String name = run(Map.of(), "systemd-escape", "-p", pfsMnt.toString()).out().trim();
        Files.createDirectories(etc.resolve("mount"));
        Files.writeString(etc.resolve("mount/" + name + ".conf"), "# the PFS\nSOURCE=\"" + store + "/pfs/test\"\nOPTIONS=ro\n");
        Files.writeString(tmp.resolve("fstab"), "# fstab\n" + store + " " + mnt + " fuse.hammer defaults,nofail 0 0\n");
        Map<String, String> unitEnv = Map.of("HAMMER_RUN_DIR", env.get("HAMMER_RUN_DIR"), "HAMMER_CONF_DIR",
                etc.toString(), "HAMMER_FSTAB", tmp.resolve("fstab").toString());
        ok(run(unitEnv, helper, "--unit", pfsMnt.toString()));
        ok(run(unitEnv, helper, "--unit", mnt.toString()));
        assertThat(mountLine(pfsMnt)).contains(" ro,");
        assertThat(Files.readString(pfsMnt.resolve("hello"))).isEqualTo("hello\n");
        assertThat(mnt.resolve("written-through-the-mount")).exists();
        Result none = run(unitEnv, helper, "--unit", tmp.resolve("data").toString());
        assertThat(none.code()).isEqualTo(4);
        assertThat(none.out()).contains("neither", ".conf nor a fuse.hammer line in");
        ok(run(env, hammer(), "umount", pfsMnt.toString()));
        ok(run(env, hammer(), "umount", mnt.toString()));
    }

    private String hammer() {
        return prefix.resolve("bin/hammer").toString();
    }

    private Result verify(Path... units) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("systemd-analyze", "verify"));
        for (Path u : units) {
            cmd.add(u.toString());
        }
        // Documentation=man:hammer(8) is checked with man(1): let it find the installed page.
        return run(Map.of("MANPATH", prefix.resolve("share/man").toString()), cmd.toArray(String[]::new));
    }

    private static String mountLine(Path mountPoint) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            if (line.split(" ")[1].equals(mountPoint.toString())) {
                return line;
            }
        }
        return "";
    }

    private static boolean fuse() {
        return Files.exists(Path.of("/dev/fuse")) && "root".equals(System.getProperty("user.name"))
                && Files.isExecutable(Path.of("/usr/bin/fusermount3"));
    }

    record Result(int code, String out) {
    }

    private static Result ok(Result r) {
        assertThat(r.code()).as(r.out()).isZero();
        return r;
    }

    private static Result run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().putAll(env);
        Process p = b.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
