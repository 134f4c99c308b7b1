package org.hammer.cli.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import org.hammer.core.HammerException;

/**
 * {@code /metrics} in the Prometheus text format on {@code HOST:PORT}, served by the JDK's HTTP
 * server on one daemon thread; anything else is 404. Values are computed when scraped.
 */
final class MetricsEndpoint implements AutoCloseable {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final HttpServer server;

    private MetricsEndpoint(InetSocketAddress address) {
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw HammerException.failure("--metrics " + address.getHostString() + ":" + address.getPort()
                    + ": cannot listen: " + e.getMessage());
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hammer-metrics");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** Listens on {@code hostPort} ({@code HOST:PORT}, {@code [::1]:PORT}, or {@code :PORT} for every address). */
    static MetricsEndpoint listen(String hostPort) {
        return new MetricsEndpoint(address(hostPort));
    }

    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? "" : hostPort.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (colon < 0 || port < 0 || port > 65535) {
            throw HammerException.usage("--metrics " + hostPort + ": expected HOST:PORT, such as 127.0.0.1:9137");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetSocketAddress a = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw HammerException.usage("--metrics " + hostPort + ": unknown host " + host);
        }
        return a;
    }

    PrometheusRegistry registry() {
        return registry;
    }

    /** The port actually bound (the one asked for, or the one chosen for port 0). */
    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            if (!path.equals("/metrics") || !(x.getRequestMethod().equals("GET") || x.getRequestMethod().equals("HEAD"))) {
                x.sendResponseHeaders(404, -1);
                return;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(4096);
            try {
                writer.write(body, registry.scrape());
            } catch (RuntimeException e) {
                byte[] m = ("metrics failed: " + e + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                x.sendResponseHeaders(500, m.length);
                x.getResponseBody().write(m);
                return;
            }
            x.getResponseHeaders().set("Content-Type", writer.getContentType());
            boolean head = x.getRequestMethod().equals("HEAD");
            x.sendResponseHeaders(200, head ? -1 : body.size());
            if (!head) {
                try (OutputStream out = x.getResponseBody()) {
                    body.writeTo(out);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
