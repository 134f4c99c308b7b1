package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The owner text a mount daemon leaves on its orphans, and telling a gone keeper from a live one. */
class KeeperTest {

    @Test
    void aLiveKeeperIsNotGone() {
        String me = Keeper.self().owner();
        assertThat(me).matches("mount pid=\\d+ start=\\d+");
        assertThat(Keeper.gone(me)).isFalse();
    }

    @Test
    void aKeeperWhoseProcessExitedOrWhosePidWasReusedIsGone() throws Exception {
        Process p = new ProcessBuilder("true").start();
        long start = p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        p.waitFor();
        p.onExit().get();

        assertThat(Keeper.gone("mount pid=" + p.pid() + " start=" + start)).isTrue();
        assertThat(Keeper.gone("mount pid=" + ProcessHandle.current().pid() + " start=1")).as("another process")
                .isTrue();
    }

    @Test
    void anOwnerTextOfAnotherFormIsLeftAlone() {
        assertThat(Keeper.gone("")).isFalse();
        assertThat(Keeper.gone("someone else")).isFalse();
    }
}
