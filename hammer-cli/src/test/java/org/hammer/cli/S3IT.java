package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.hammer.fixtures.CuttingProxy;
import org.hammer.fixtures.S3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The s3:// commands through the real launcher, against a real S3 server (s3proxy) on 127.0.0.1
 * started in this JVM: upload and restore, listing, verify, encryption, prune, a kill -9 in the
 * middle of an upload, mirror-stream across a server restart, the exit codes of bad input, and
 * that commands without a bucket never load the AWS SDK.
 */
class S3IT {
    @TempDir
    Path tmp;

    S3Server server;
    CliRunner hammer;
    String master;

    @BeforeEach
    void start() {
        server = S3Server.start(tmp.resolve("s3"), "bucket");
        CliRunner r = CliRunner.create();
        for (Map.Entry<String, String> e : server.env().entrySet()) {
            r = r.withEnv(e.getKey(), e.getValue());
        }
        hammer = r.withEnv("HAMMER_S3_SCRATCH", tmp.resolve("scratch").toString());
        MirrorIT.ok(hammer.run("newfs", tmp.resolve("a").toString()));
        MirrorIT.ok(hammer.run("newfs", tmp.resolve("b").toString()));
        master = tmp.resolve("a/pfs/m").toString();
        MirrorIT.ok(hammer.run("pfs-master", master));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A tree of local files copied into the master with cpdup. */
    void tree(String name, String content) throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("dir"));
        Files.writeString(src.resolve(name), content);
        Files.writeString(src.resolve("dir/" + name + ".txt"), content.repeat(100));
        MirrorIT.ok(hammer.run("cpdup", src.toString(), master));
    }

    String syncEnd(CliResult status) {
        return status.stdout().replaceAll("(?s).*sync-end-tid=(0x[0-9a-f]{16}).*", "$1");
    }

    @Test
    @Timeout(300)
    void uploadRestoreListVerifyAndAnOlderPoint() throws Exception {
        tree("one", "first version");
        CliResult up = MirrorIT.ok(hammer.run("mirror-copy", master, "s3://bucket/laptop/m"));
        assertThat(up.stderr()).contains("succeeded: 1 objects");
        String first = syncEnd(MirrorIT.ok(hammer.run("pfs-status", "s3://bucket/laptop/m")));
        tree("two", "second version");
        MirrorIT.ok(hammer.run("mirror-copy", master, "s3://bucket/laptop/m"));
        tree("three", "third version");
        MirrorIT.ok(hammer.run("mirror-copy", "-z", master, "s3://bucket/laptop/m"));
        CliResult listing = MirrorIT.ok(hammer.run("pfs-status", "s3://bucket/laptop/m"));
        assertThat(listing.stdout()).contains("objects=3", "base 0x0000000000000001..", "restore-points=3");
        assertThat(listing.stdout().lines().filter(l -> l.trim().startsWith("incr ")).count()).isEqualTo(2);

        String slave = tmp.resolve("b/pfs/restored").toString();
        MirrorIT.ok(hammer.run("mirror-copy", "-y", "s3://bucket/laptop/m", slave));
        assertThat(MirrorIT.ok(hammer.run("mirror-verify", master, slave)).stdout()).contains("equals");
        assertThat(MirrorIT.ok(hammer.run("mirror-verify", master, "s3://bucket/laptop/m")).stdout())
                .contains("equals");

        String old = tmp.resolve("b/pfs/old").toString();
        MirrorIT.ok(hammer.run("mirror-copy", "-y", "s3://bucket/laptop/m@@" + first, old));
        assertThat(syncEnd(MirrorIT.ok(hammer.run("pfs-status", old)))).isEqualTo(first);
        assertThat(MirrorIT.ok(hammer.run("mirror-verify", master, old)).stdout()).contains("equals");
        Path out = tmp.resolve("out");
        MirrorIT.ok(hammer.run("cpdup", old, out.toString()));
        assertThat(Files.exists(out.resolve("one"))).isTrue();
        assertThat(Files.exists(out.resolve("two"))).isFalse();
    }

    @Test
    @Timeout(300)
    void encryptedChainHidesContentAndNamesWrongKeyIsRefusedTamperingIsDamage() throws Exception {
        tree("payroll-2026.csv", "SECRET-SALARY-LINE\n".repeat(50));
        Path key = tmp.resolve("key");
        Files.writeString(key, "5a".repeat(32) + "\n");
        MirrorIT.ok(hammer.run("mirror-copy", "--key-file", key.toString(), master, "s3://bucket/enc"));
        for (Path f : server.files("bucket")) {
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertThat(bytes).doesNotContain("SECRET-SALARY", "payroll");
            assertThat(f.toString()).doesNotContain("payroll", ".base", ".incr");
        }
        String slave = tmp.resolve("b/pfs/r").toString();
        MirrorIT.ok(hammer.run("mirror-copy", "-y", "--key-file", key.toString(), "s3://bucket/enc", slave));
        assertThat(MirrorIT.ok(hammer.run("mirror-verify", master, slave)).stdout()).contains("equals");

        Path wrong = tmp.resolve("wrong");
        Files.writeString(wrong, "11".repeat(32));
        CliResult w = hammer.run("mirror-copy", "-y", "--key-file", wrong.toString(), "s3://bucket/enc",
                tmp.resolve("b/pfs/w").toString());
        assertThat(w.exitCode()).as(w.stderr()).isEqualTo(3);
        assertThat(w.stderr()).contains("wrong key").doesNotContain("Exception");
        CliResult none = hammer.run("pfs-status", "s3://bucket/enc");
        assertThat(none.exitCode()).isEqualTo(3);
        assertThat(none.stderr()).contains("--key-file");

        Path object = server.files("bucket").stream().filter(f -> f.toString().contains("/objects/"))
                .max(Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
        byte[] b = Files.readAllBytes(object);
        b[b.length / 2] ^= 0x40;
        Files.write(object, b);
        CliResult t = hammer.run("mirror-copy", "-y", "--key-file", key.toString(), "s3://bucket/enc",
                tmp.resolve("b/pfs/t").toString());
        assertThat(t.exitCode()).as(t.stderr()).isEqualTo(5);
        assertThat(t.stderr().strip().lines().count()).isEqualTo(1);
        assertThat(t.stderr()).contains("objects/");
    }

    @Test
    @Timeout(300)
    void badInputGetsOneLineAndItsExitCode() throws Exception {
        tree("x", "x");
        CliResult missing = hammer.run("mirror-copy", master, "s3://no-such-bucket/p");
        assertThat(missing.exitCode()).as(missing.stderr()).isEqualTo(4);
        assertThat(missing.stderr()).contains("does not exist");

        CliResult denied = hammer.withEnv("AWS_SECRET_ACCESS_KEY", "wrong").run("mirror-copy", master, "s3://bucket/p");
        assertThat(denied.exitCode()).as(denied.stderr()).isEqualTo(3);
        assertThat(denied.stderr()).contains("access denied");

        try (S3Server ro = server.readOnly()) {
            CliResult r = hammer.withEnv("AWS_ENDPOINT_URL", ro.endpoint()).run("mirror-copy", master, "s3://bucket/ro");
            assertThat(r.exitCode()).as(r.stderr()).isEqualTo(3);
            assertThat(r.stderr().strip().lines().count()).as(r.stderr()).isEqualTo(1);
        }
        assertThat(server.files("bucket")).noneMatch(f -> f.toString().contains("/ro/"));

        CliResult zero = hammer.run("mirror-copy", "--base-every", "0", master, "s3://bucket/p");
        assertThat(zero.exitCode()).as(zero.stderr()).isEqualTo(2);
        assertThat(zero.stderr()).contains("--base-every 0");
        CliResult local = hammer.run("mirror-copy", "--base-every", "7", master, tmp.resolve("b/pfs/x").toString());
        assertThat(local.exitCode()).as(local.stderr()).isEqualTo(2);
        assertThat(local.stderr()).contains("only for an upload to an s3:// chain");
        assertThat(MirrorIT.ok(hammer.run("mirror-copy", "--base-every", "7", master, "s3://bucket/p")).stderr())
                .contains("succeeded: 1 objects (1 base)");
        MirrorIT.ok(hammer.run("pfs-master", tmp.resolve("a/pfs/other").toString()));
        CliResult other = hammer.run("mirror-copy", tmp.resolve("a/pfs/other").toString(), "s3://bucket/p");
        assertThat(other.exitCode()).as(other.stderr()).isEqualTo(3);
        assertThat(other.stderr()).contains("shared-uuid");

        tree("y", "y");
        MirrorIT.ok(hammer.run("mirror-copy", master, "s3://bucket/p"));
        tree("z", "z");
        MirrorIT.ok(hammer.run("mirror-copy", master, "s3://bucket/p"));
        Path middle = server.files("bucket").stream().filter(f -> f.toString().contains(".incr.zst"))
                .sorted().findFirst().orElseThrow();
        byte[] b = Files.readAllBytes(middle);
        b[b.length / 2] ^= 1;
        Files.write(middle, b);
        String slave = tmp.resolve("b/pfs/s").toString();
        CliResult corrupt = hammer.run("mirror-copy", "-y", "s3://bucket/p", slave);
        assertThat(corrupt.exitCode()).as(corrupt.stderr()).isEqualTo(5);
        assertThat(corrupt.stderr()).contains(middle.getFileName().toString().replace(".incr.zst", ""));
        assertThat(hammer.run("pfs-status", slave).exitCode()).isNotZero(); // nothing applied: no slave
        CliResult partial = hammer.run("mirror-copy", "-y", "--partial", "s3://bucket/p", slave);
        assertThat(partial.exitCode()).as(partial.stderr()).isEqualTo(5);
        assertThat(partial.stderr()).contains("last good TID");
        assertThat(MirrorIT.ok(hammer.run("pfs-status", slave)).stdout()).contains("sync-end-tid=0x0000000100");
    }

    @Test
    @Timeout(300)
    void killedUploadResumesWithoutSendingItsPartsAgain() throws Exception {
        MirrorIT.fill(master, "big", 5, 8 << 20, 42);
        Path log = tmp.resolve("up.log");
        try (StreamProcess p = StreamProcess.start(log, server.env(), "mirror-copy", "-b", "6m", master,
                "s3://bucket/kill")) {
            p.await("a part of the upload stored", 120, () -> server.files("bucket").stream()
                    .anyMatch(f -> f.toString().contains("hammer-pending")) && partBytes() >= 8 << 20);
            p.process().destroyForcibly();
            p.process().waitFor(30, TimeUnit.SECONDS);
        }
        CliResult list = hammer.run("pfs-status", "s3://bucket/kill");
        assertThat(list.stdout()).doesNotContain("objects=1");
        CliResult again = MirrorIT.ok(hammer.run("mirror-copy", master, "s3://bucket/kill"));
        assertThat(again.stderr()).contains("succeeded: 1 objects").contains("already uploaded");
        String slave = tmp.resolve("b/pfs/k").toString();
        MirrorIT.ok(hammer.run("mirror-copy", "-y", "s3://bucket/kill", slave));
        assertThat(MirrorIT.ok(hammer.run("mirror-verify", master, slave)).stdout()).contains("equals");
    }

    @Test
    @Timeout(300)
    void aLinkDroppedMidPartIsRetriedAndOneThatKeepsDroppingIsResumedByTheNextRun() throws Exception {
        MirrorIT.fill(master, "big", 3, 7 << 20, 7); // 21 MiB of random data: parts of 8, 8 and 5 MiB
        try (CuttingProxy proxy = CuttingProxy.start(server.port())) {
            CliRunner via = hammer.withEnv("AWS_ENDPOINT_URL", proxy.endpoint());
            // one reset 3 MiB into part 2's body: the SDK sends that part again, the run succeeds
            proxy.cut("partNumber=2", 1, 3 << 20);
            CliResult once = MirrorIT.ok(via.run("mirror-copy", master, "s3://bucket/net"));
            assertThat(proxy.cuts()).isEqualTo(1);
            assertThat(once.stderr()).contains("succeeded: 1 objects");

            // a link that drops every try of part 2: one line, non-zero, the upload left for the next run
            MirrorIT.fill(master, "more", 3, 7 << 20, 8);
            proxy.cut("partNumber=2", 1000, 3 << 20);
            CliResult fails = via.run("mirror-copy", master, "s3://bucket/net");
            System.out.println("a link that keeps dropping: " + fails.exitCode() + " " + fails.stderr().strip());
            assertThat(fails.exitCode()).as(fails.stderr()).isNotZero();
            assertThat(fails.stderr().strip().lines().count()).as(fails.stderr()).isEqualTo(1);
            assertThat(fails.stderr()).contains("s3://bucket/net", "the next mirror-copy resumes")
                    .doesNotContain("Exception");
            assertThat(proxy.cuts()).as("the SDK tried part 2 again").isGreaterThan(2);
            assertThat(MirrorIT.ok(via.run("pfs-status", "s3://bucket/net")).stdout()).contains("upload-in-progress");
            proxy.cut("", 0, 0);
            CliResult again = MirrorIT.ok(via.run("mirror-copy", master, "s3://bucket/net"));
            assertThat(again.stderr()).contains("succeeded: 1 objects", "already uploaded");
        }
        String slave = tmp.resolve("b/pfs/net").toString();
        MirrorIT.ok(hammer.run("mirror-copy", "-y", "s3://bucket/net", slave));
        assertThat(MirrorIT.ok(hammer.run("mirror-verify", master, slave)).stdout()).contains("equals");
    }

    @Test
    @Timeout(300)
    void aFullBackendFailsWithOneLineKeepsTheChainRestorableAndTheNextRunResumes() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("small-disk"));
        run("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", disk.toString());
        try (S3Server tiny = S3Server.start(disk, "bucket")) {
            CliRunner on = hammer.withEnv("AWS_ENDPOINT_URL", tiny.endpoint());
            tree("a", "first");
            MirrorIT.ok(on.run("mirror-copy", master, "s3://bucket/full"));
            String first = syncEnd(MirrorIT.ok(on.run("pfs-status", "s3://bucket/full")));
            Path manifest = disk.resolve("bucket/full/hammer-chain");
            byte[] before = Files.readAllBytes(manifest);

            MirrorIT.fill(master, "big", 3, 7 << 20, 9); // 21 MiB of random data on a 12 MiB disk
            CliResult full = on.run("mirror-copy", master, "s3://bucket/full");
            System.out.println("a full backend: " + full.exitCode() + " " + full.stderr().strip());
            assertThat(full.exitCode()).as(full.stderr()).isNotZero();
            assertThat(full.stderr().strip().lines().count()).as(full.stderr()).isEqualTo(1);
            // s3proxy answers a write it cannot store with HTTP 500, or drops the connection mid-part
            assertThat(full.stderr()).contains("s3://bucket/full", "the next mirror-copy resumes")
                    .doesNotContain("Exception");
            assertThat(Files.readAllBytes(manifest)).as("manifest unchanged").isEqualTo(before);

            String old = tmp.resolve("b/pfs/old").toString();
            MirrorIT.ok(on.run("mirror-copy", "-y", "s3://bucket/full", old));
            assertThat(syncEnd(MirrorIT.ok(on.run("pfs-status", old)))).isEqualTo(first);
            assertThat(MirrorIT.ok(on.run("mirror-verify", master, old)).stdout()).contains("equals");

            run("mount", "-o", "remount,size=128m", disk.toString()); // room again
            CliResult again = MirrorIT.ok(on.run("mirror-copy", master, "s3://bucket/full"));
            assertThat(again.stderr()).contains("succeeded: 1 objects");
            String slave = tmp.resolve("b/pfs/full").toString();
            MirrorIT.ok(on.run("mirror-copy", "-y", "s3://bucket/full", slave));
            assertThat(MirrorIT.ok(on.run("mirror-verify", master, slave)).stdout()).contains("equals");
        } finally {
            run("umount", disk.toString());
        }
    }

    /** Runs a system command (mount, umount), failing the test unless it exits 0 within 30 s. */
    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }

    /** Bytes the server holds in files other than the chain's own objects and notes (multipart parts). */
    long partBytes() {
        return server.files("bucket").stream().filter(f -> !f.toString().contains("hammer-"))
                .mapToLong(f -> f.toFile().length()).sum();
    }

    @Test
    @Timeout(300)
    void mirrorStreamRidesOutAServerRestartAndPruneKeepsTheChainRestorable() throws Exception {
        tree("a", "a");
        Path log = tmp.resolve("stream.log");
        try (StreamProcess p = StreamProcess.start(log, server.env(), "mirror-stream", "-i", "0.2", "--retry", "0.5",
                master, "s3://bucket/st")) {
            p.await("the first upload", 120, () -> chainEnd().equals(masterEnd()));
            server.stop();
            tree("b", "b");
            Thread.sleep(1500);
            server.restart();
            p.await("the upload after the restart", 120, () -> chainEnd().equals(masterEnd()));
            tree("c", "c");
            p.await("the next upload", 120, () -> chainEnd().equals(masterEnd()));
            p.terminate(); // SIGTERM: the JVM's status is 143 whatever the command returns
            assertThat(p.log()).contains("unreachable", "retrying", "stopped: ");
        }
        CliResult before = MirrorIT.ok(hammer.run("pfs-status", "s3://bucket/st"));
        assertThat(before.stdout()).contains("restore-points=");
        CliResult pr = MirrorIT.ok(hammer.run("mirror-prune", "--keep", "1", "s3://bucket/st"));
        assertThat(pr.stderr()).contains("1 restore points kept");
        CliResult after = MirrorIT.ok(hammer.run("pfs-status", "s3://bucket/st"));
        assertThat(after.stdout()).contains("objects=1", "restore-points=1");
        String slave = tmp.resolve("b/pfs/st").toString();
        MirrorIT.ok(hammer.run("mirror-copy", "-y", "s3://bucket/st", slave));
        assertThat(MirrorIT.ok(hammer.run("mirror-verify", master, slave)).stdout()).contains("equals");
    }

    String chainEnd() {
        CliResult r = hammer.run("pfs-status", "s3://bucket/st");
        return r.exitCode() == 0 ? syncEnd(r) : "none";
    }

    String masterEnd() {
        return syncEnd(hammer.run("pfs-status", master));
    }

    /** A bucket command hashes every byte it moves: the launcher leaves it the full JIT, the others C1 only. */
    @Test
    @Timeout(300)
    void bucketCommandsRunWithTheFullJit() throws Exception {
        tree("x", "x");
        CliRunner flags = hammer.withEnv("HAMMER_JAVA_OPTS", "-XX:+PrintFlagsFinal");
        CliResult plain = MirrorIT.ok(flags.run("pfs-status", master));
        assertThat(tier(plain)).isEqualTo("1");
        CliResult s3 = MirrorIT.ok(flags.run("mirror-copy", master, "s3://bucket/jit"));
        assertThat(tier(s3)).isEqualTo("4");
    }

    private static String tier(CliResult r) {
        return (r.stdout() + r.stderr()).lines().filter(l -> l.contains(" TieredStopAtLevel "))
                .map(l -> l.replaceAll(".*TieredStopAtLevel\\s+=\\s+(\\d+).*", "$1")).findFirst().orElse("none");
    }

    @Test
    @Timeout(300)
    void commandsWithoutABucketLoadNoAwsClass() throws Exception {
        tree("x", "x");
        CliRunner verbose = hammer.withEnv("HAMMER_JAVA_OPTS", "-Xlog:class+load=info");
        String slave = tmp.resolve("b/pfs/plain").toString();
        for (List<String> args : List.of(List.of("pfs-status", master), List.of("mirror-copy", "-y", master, slave),
                List.of("--version"))) {
            CliResult r = verbose.run(args.toArray(String[]::new));
            MirrorIT.ok(r);
            String all = r.stdout() + r.stderr();
            assertThat(all).as("class loading is logged").contains("org.hammer.cli.Main");
            assertThat(all).as(String.join(" ", args)).doesNotContain("software.amazon");
        }
        CliResult s3 = verbose.run("mirror-copy", master, "s3://bucket/classes");
        MirrorIT.ok(s3);
        assertThat(s3.stdout() + s3.stderr()).contains("software.amazon.awssdk.services.s3.S3Client");
    }
}
