package org.hammer.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hammer.core.HammerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointTest {
    @TempDir
    Path tmp;

    @Test
    void userHostAndPathMakeARemoteEndpoint() {
        Endpoint e = Endpoint.parse("root@backup.example.org:/Backup2/pfs/test");

        assertThat(e).isEqualTo(new Endpoint("root", "backup.example.org", 0, "/Backup2/pfs/test"));
        assertThat(e.remote()).isTrue();
        assertThat(e.destination()).isEqualTo("root@backup.example.org");
        assertThat(e.withPort(2222).port()).isEqualTo(2222);
        assertThat(e).hasToString("root@backup.example.org:/Backup2/pfs/test");
    }

    @Test
    void hostWithoutUserAndBracketedIpv6AreRemote() {
        assertThat(Endpoint.parse("host:rel/path")).isEqualTo(new Endpoint(null, "host", 0, "rel/path"));
        assertThat(Endpoint.parse("[::1]:/x")).isEqualTo(new Endpoint(null, "::1", 0, "/x"));
        assertThat(Endpoint.parse("[::1]:/x")).hasToString("[::1]:/x");
    }

    @Test
    void pathsWithAColonStayLocalWhenTheyLookLocal() throws Exception {
        Files.createDirectories(tmp.resolve("a:b"));
        assertThat(Endpoint.parse("/Backup1/pfs/@@-1:00001").remote()).isFalse();
        assertThat(Endpoint.parse("./x:y").remote()).isFalse();
        assertThat(Endpoint.parse("store/pfs/@@0x0000000100000000:00001").remote()).isFalse();
        assertThat(Endpoint.parse("@@-1:00001").remote()).isFalse();
        assertThat(Endpoint.parse("test@@0x0000000100000000:00001").remote()).isFalse();
        assertThat(Endpoint.parse(tmp.resolve("a:b").toString()).remote()).isFalse();
        assertThat(Endpoint.parse("plain/path").remote()).isFalse();
    }

    @Test
    void aRemoteEndpointNeedsAPath() {
        assertThatThrownBy(() -> Endpoint.parse("host:")).isInstanceOf(HammerException.class)
                .hasMessageContaining("remote path is missing");
    }

    @Test
    void localEndpointsHaveNoDestination() {
        assertThatThrownBy(() -> Endpoint.local("/x").destination()).isInstanceOf(IllegalStateException.class);
        assertThat(Endpoint.local("/x").withPort(22)).isEqualTo(Endpoint.local("/x"));
    }
}
