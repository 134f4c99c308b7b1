package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hammer.fixtures.CliRunner;
import org.hammer.fixtures.MirrorPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mirror-stream --metrics}: /metrics scraped over loopback during a real stream whose
 * target is a separate {@code hammer mirror-write} process (started through a remote shell that
 * runs it on this host), stopped with SIGSTOP while the master keeps changing, then resumed.
 *
 * <pre>
 * tmp/master.hammer/pfs/test   master, written here
 * tmp/slave.hammer/pfs/test    slave, written by the "remote" mirror-write
 * tmp/bin/hammer               the launcher; tmp/bin/rsh runs "hammer ..." here, ignoring the host
 * </pre>
 */
class MirrorMetricsIT {
    private static final String SEP = ",target=";

    @TempDir
    Path tmp;
    MirrorPair pair;
    Path bin;

    @BeforeEach
    void stores() throws IOException {
        pair = MirrorPair.create(tmp, true);
        bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("hammer"), CliRunner.create().launcher().toAbsolutePath());
        Path rsh = bin.resolve("rsh");
        Files.writeString(rsh, "#!/bin/sh\n# rsh HOST COMMAND: runs COMMAND on this host\nshift\nexec sh -c \"$1\"\n");
        Files.setPosixFilePermissions(rsh, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void close() {
        pair.close();
    }

    @Test
    void lagRisesWhileTheTargetIsStoppedAndFallsWhenItCatchesUp() throws Exception {
        pair.write("first", bytes("one"));
        int port = freePort();
        Map<String, String> env = Map.of("HAMMER_RSH", bin.resolve("rsh").toString(),
                "PATH", bin + ":" + System.getenv("PATH"));
        String target = "localhost:" + pair.slavePath();
        try (StreamProcess stream = StreamProcess.start(tmp.resolve("stream.log"), env, "mirror-stream", "-i", "0",
                "--metrics", "127.0.0.1:" + port, pair.masterPath(), target)) {
            stream.await("the first file on the slave", 60, () -> pair.slave().tree().containsKey("/first"));
            stream.await("lag 0 and up 1", 30, () -> value(scrape(port), "hammer_mirror_lag_seconds") == 0.0
                    && value(scrape(port), "hammer_mirror_up") == 1.0);
            String labels = "{source=\"" + pair.masterPath() + "\"" + SEP + "\"" + target + "\"}";
            assertThat(scrape(port)).contains("hammer_mirror_lag_tids" + labels + " 0.0");
            double bytesBefore = value(scrape(port), "hammer_mirror_bytes_total");

            ProcessHandle writer = mirrorWrite(stream);
            signal("STOP", writer);
            try {
                for (int i = 0; i < 5; i++) {
                    pair.write("during-" + i, bytes("x".repeat(1000)));
                    Thread.sleep(200);
                }
                double lag1 = value(scrape(port), "hammer_mirror_lag_seconds");
                Thread.sleep(1500);
                String stopped = scrape(port);
                double lag2 = value(stopped, "hammer_mirror_lag_seconds");
                System.out.printf("lag while the target is stopped: %.2f s, then %.2f s%n", lag1, lag2);
                assertThat(lag1).as("lag with the target stopped").isGreaterThan(0.5);
                assertThat(lag2).as("lag keeps rising").isGreaterThan(lag1 + 1.0);
                assertThat(value(stopped, "hammer_mirror_lag_tids")).isGreaterThan(0);
            } finally {
                signal("CONT", writer);
            }
            stream.await("lag back to 0", 60, () -> value(scrape(port), "hammer_mirror_lag_seconds") == 0.0
                    && value(scrape(port), "hammer_mirror_lag_tids") == 0.0);
            String after = scrape(port);
            assertThat(pair.slave().tree()).containsKeys("/during-0", "/during-4");
            assertThat(value(after, "hammer_mirror_bytes_total")).isGreaterThan(bytesBefore + 5000);
            assertThat(value(after, "hammer_mirror_records_total")).isGreaterThan(5);
            assertThat(value(after, "hammer_mirror_last_success_timestamp_seconds"))
                    .isGreaterThan(System.currentTimeMillis() / 1e3 - 30);
            assertThat(after).contains("# TYPE hammer_mirror_reconnects_total counter",
                    "# TYPE hammer_mirror_lag_seconds gauge");
            assertThat(stream.terminate()).isZero();
        }
    }

    /** The Prometheus library is loaded only by a stream asked to serve metrics. */
    @Test
    void thePrometheusLibraryLoadsOnlyWithMetrics() throws Exception {
        pair.write("first", bytes("one"));
        String classes = "-Xlog:class+load=info:stderr";
        try (StreamProcess plain = StreamProcess.start(tmp.resolve("plain.log"), Map.of("HAMMER_JAVA_OPTS", classes),
                "mirror-stream", "-i", "0", pair.masterPath(), pair.slavePath())) {
            plain.await("the first file on the slave", 60, () -> pair.slave().tree().containsKey("/first"));
            assertThat(plain.terminate()).isZero();
            assertThat(plain.log()).contains("org.hammer.core.mirror.MirrorStream ").doesNotContain("io.prometheus");
        }
        int port = freePort();
        try (StreamProcess served = StreamProcess.start(tmp.resolve("served.log"), Map.of("HAMMER_JAVA_OPTS", classes),
                "mirror-stream", "-i", "0", "--metrics", "127.0.0.1:" + port, pair.masterPath(), pair.slavePath())) {
            served.await("metrics served", 60, () -> scrape(port).contains("hammer_mirror_up"));
            assertThat(served.terminate()).isZero();
            assertThat(served.log()).contains("io.prometheus.metrics.core.metrics.GaugeWithCallback");
        }
    }

    /** The mirror-write JVM the stream started through the remote shell. */
    private static ProcessHandle mirrorWrite(StreamProcess stream) {
        Optional<ProcessHandle> p = stream.process().descendants()
                .filter(h -> h.info().command().orElse("").endsWith("/java"))
                .filter(h -> String.join(" ", h.info().arguments().orElse(new String[0])).contains("mirror-write"))
                .findFirst();
        assertThat(p).as("the target's mirror-write process").isPresent();
        return p.get();
    }

    private static void signal(String sig, ProcessHandle p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    /** The one sample of {@code name} in {@code text}, or NaN when it is absent. */
    static double value(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*\\} (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** GET http://127.0.0.1:PORT/metrics, or "" when nothing answers yet. */
    static String scrape(int port) {
        try {
            return MetricsEndpoint.scrape(port);
        } catch (IOException e) {
            return "";
        }
    }

    static int freePort() {
        return MetricsEndpoint.freePort();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
