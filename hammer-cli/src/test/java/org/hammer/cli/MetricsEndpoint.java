package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/** The tests' side of {@code --metrics}: a free loopback port to serve on, and a scrape of it. */
public final class MetricsEndpoint {
    private MetricsEndpoint() {
    }

    /** GET http://127.0.0.1:PORT/metrics, which must answer 200 with the Prometheus text format. */
    public static String scrape(int port) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/metrics").openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        try (InputStream in = c.getInputStream()) {
            assertThat(c.getResponseCode()).isEqualTo(200);
            assertThat(c.getContentType()).startsWith("text/plain");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A loopback port nothing listens on (as of now). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
