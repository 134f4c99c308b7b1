package org.hammer.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteShellTest {
    @Test
    void runsHammerThroughSshWithPortAndQuotedArguments() {
        Endpoint e = new Endpoint("root", "host", 2222, "/a b");

        assertThat(RemoteShell.of(null).command(e, List.of("-2", "mirror-write", e.path())))
                .containsExactly("ssh", "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4",
                        "-p", "2222", "root@host", "hammer -2 mirror-write '/a b'");
    }

    @Test
    void hammerRshReplacesSshSplitOnSpaces() {
        Endpoint e = new Endpoint(null, "host", 0, "/x");

        assertThat(RemoteShell.of(" ssh  -F /tmp/cfg ").command(e, List.of("mirror-read", "/x")))
                .containsExactly("ssh", "-F", "/tmp/cfg", "host", "hammer mirror-read /x");
    }
}
