package org.hammer.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.transport.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small parts of mirror-stream: option parsing, the remote arguments, the scoreboard line. */
class StreamPiecesTest {
    @TempDir
    Path tmp;

    @Test
    void secondsAcceptFractionsAndRefuseNonsense() {
        assertThat(StreamOptions.seconds("-i", "5")).isEqualTo(Duration.ofSeconds(5));
        assertThat(StreamOptions.seconds("-i", "0.25")).isEqualTo(Duration.ofMillis(250));
        assertThat(StreamOptions.seconds("-i", "0")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> StreamOptions.seconds("--retry", "-1")).isInstanceOf(HammerException.class)
                .hasMessageContaining("--retry -1");
        assertThatThrownBy(() -> StreamOptions.seconds("-i", "soon")).isInstanceOf(HammerException.class);
    }

    @Test
    void remoteArgumentsFollowHammersOrder() {
        MirrorOptions o = new MirrorOptions(true, true, 3, 1 << 20, 240, 1 << 20, null, 1, false, null);
        Endpoint e = Endpoint.parse("h:/p");

        assertThat(MirrorLink.RemoteArgs.target(o, e)).containsExactly("-2", "-y", "-v", "mirror-write", "/p");
        assertThat(MirrorLink.RemoteArgs.source(o, e, Duration.ofMillis(500))).containsExactly("-2", "-v", "-b",
                "1048576", "-S", "1048576", "-t", "240", "-i", "0.5", "mirror-read-stream", "--zstd-level", "3", "/p");
        assertThat(MirrorLink.RemoteArgs.source(MirrorOptions.defaults(), e, null))
                .containsExactly("-2", "mirror-read", "/p");
    }

    @Test
    void theScoreboardIsOneFixedWidthLineRewrittenInPlace() throws Exception {
        Path f = tmp.resolve("status");
        try (Scoreboard b = new Scoreboard(f)) {
            b.running(0);
            b.lost("l\u00f6st link: a much longer error message than the state before it");
            b.waiting(0x100000002L);
        }
        List<String> lines = Files.readAllLines(f);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).hasSize(Scoreboard.WIDTH).startsWith("Waiting             slave=0x0000000100000002 "
                + "sessions=1").contains("l?st link");
        assertThat(lines.get(0).substring(100)).startsWith("l?st link");
    }

    @Test
    void permanentFailuresAreRefusalsUsageAndNotFound() {
        assertThat(MirrorStream.permanent(HammerException.refused("x"))).isTrue();
        assertThat(MirrorStream.permanent(HammerException.usage("x"))).isTrue();
        assertThat(MirrorStream.permanent(HammerException.notFound("x"))).isTrue();
        assertThat(MirrorStream.permanent(HammerException.failure("x"))).isFalse();
        assertThat(MirrorStream.permanent(HammerException.corrupt("x"))).isFalse();
    }
}
