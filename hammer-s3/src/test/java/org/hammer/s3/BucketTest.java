package org.hammer.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hammer.core.HammerException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bucket client against a server that refuses every PUT as soon as it has read the request's
 * headers and then closes the connection, as a read-only bucket may: the refusal is told as one
 * (exit 3), never as an unreachable endpoint, however large the object.
 */
class BucketTest {
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private ServerSocket listener;
    private Thread serving;

    @AfterEach
    void stop() throws Exception {
        if (listener != null) {
            listener.close();
            serving.join(10_000);
        }
        for (String p : List.of("aws.endpointUrl", "aws.accessKeyId", "aws.secretAccessKey", "aws.region")) {
            System.clearProperty(p);
        }
    }

    @Test
    @Timeout(60)
    void aWholeObjectRefusedBeforeItsBodyIsSentIsRefusedNotUnreachable() throws Exception {
        listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        serving = new Thread(this::refuseEveryRequest, "refusing-server");
        serving.start();
        System.setProperty("aws.endpointUrl", "http://127.0.0.1:" + listener.getLocalPort());
        System.setProperty("aws.accessKeyId", "k");
        System.setProperty("aws.secretAccessKey", "s");
        System.setProperty("aws.region", "us-east-1");

        byte[] object = new byte[8 << 20];
        try (Bucket b = Bucket.open(S3Url.parse("s3://bucket/p"))) {
            assertThatThrownBy(() -> b.put("p/object", object))
                    .isInstanceOfSatisfying(HammerException.class, e -> {
                        assertThat(e.kind()).isEqualTo(HammerException.Kind.REFUSED);
                        assertThat(e.kind().exitCode()).isEqualTo(3);
                    })
                    .hasMessage("s3://bucket/p: cannot write p/object: access denied (HTTP 403): check"
                            + " AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the profile, and the bucket's policy");
            assertThatThrownBy(() -> b.putIfAbsent("p/lock", object))
                    .isInstanceOfSatisfying(HammerException.class,
                            e -> assertThat(e.kind()).isEqualTo(HammerException.Kind.REFUSED));
        }
        assertThat(heads).hasSize(2).allMatch(h -> h.startsWith("PUT /bucket/p/")
                && h.toLowerCase(java.util.Locale.ROOT).contains("\r\nexpect: 100-continue\r\n"));
    }

    /** Answers each connection's first request with 403 once its headers are in, without reading the body. */
    private void refuseEveryRequest() {
        for (int i = 0; i < 20 && !listener.isClosed(); i++) {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(10_000);
                heads.add(readHead(s.getInputStream()));
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nContent-Length: 0\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (b.length() < 64 << 10 && !(b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n"))) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }
}
