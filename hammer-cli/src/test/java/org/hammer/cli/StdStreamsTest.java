package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StdStreamsTest {
    private static final long PID = ProcessHandle.current().pid();

    @Test
    void theProcessTheLauncherExecdTakesTheDescriptorItWasHanded() {
        assertThat(StdStreams.handedOver("1@" + PID, PID)).isNotNull();
    }

    @Test
    void aChildThatInheritedTheOptionButNotTheDescriptorIgnoresIt() {
        assertThat(StdStreams.handedOver("3@" + (PID + 1), PID)).isNull();
    }

    @Test
    void noOrMalformedHandOverKeepsDescriptorOne() {
        assertThat(StdStreams.handedOver(null, PID)).isNull();
        assertThat(StdStreams.handedOver("3", PID)).isNull();
        assertThat(StdStreams.handedOver("x@" + PID, PID)).isNull();
        assertThat(StdStreams.handedOver("3@x", PID)).isNull();
    }
}
