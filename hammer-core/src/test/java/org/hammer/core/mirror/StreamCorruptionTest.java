package org.hammer.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A thousand seeded mutations of a valid stream, each rejected, in a JVM with a 64 MiB heap. */
class StreamCorruptionTest {
    @TempDir
    Path tmp;

    @Test
    void everyMutationIsRejectedAndTheSlaveStaysConsistentUnderA64MiBHeap() throws IOException,
            InterruptedException {
        long seed = Long.getLong("corruption.seed", System.nanoTime());
        System.out.println("StreamCorruptionTest seed=" + seed);
        List<String> cmd = org.hammer.core.ChildJvm.command(List.of("-Xmx64m"), CorruptionRun.class,
                Long.toString(seed), "1000", tmp.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean done = p.waitFor(240, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(done).as("finished in time").isTrue();
        assertThat(output).contains("OK ").doesNotContain("OutOfMemoryError");
        assertThat(p.exitValue()).isZero();
        int rejected = Integer.parseInt(output.substring(output.indexOf("OK ") + 3).split(" ")[0]);
        assertThat(rejected).isGreaterThanOrEqualTo(990);
    }
}
