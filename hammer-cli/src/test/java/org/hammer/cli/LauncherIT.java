package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.Test;

/** Runs the real ./hammer launcher against the packaged jar. */
class LauncherIT {

    private final CliRunner hammer = CliRunner.create();

    @Test
    void versionRunsThroughTheLauncher() {
        CliResult result = hammer.run("--version");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).startsWith("hammer 0.1.0");
        assertThat(result.stderr()).as(result.toString()).isEmpty();
    }

    @Test
    void badArgumentsExitWithUsageCode() {
        CliResult result = hammer.run("no-such-command".getBytes(StandardCharsets.UTF_8), "no-such-command");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("hammer: ").contains("Usage: hammer");
        assertThat(result.stdout()).isEmpty();
    }
}
