package org.hammer.core.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The in-memory pipe: bytes in order, arrays handed over in their place, broken pipes. */
@Timeout(30)
class PipeTest {

    @Test
    void anArrayHandedOverIsTakenInItsPlaceUncopied() throws IOException {
        Pipe p = new Pipe(64);
        p.out().write(new byte[] {1, 2, 3});
        byte[] handed = {9, 8, 7, 6, 0, 0};
        p.handOver(handed, 4);
        p.out().write(new byte[] {4, 5});
        p.closeWriter();

        // The bytes before it come first, as bytes: the array is not given in their place.
        assertNull(p.takeOver(4));
        byte[] three = new byte[3];
        assertEquals(3, p.in().read(three, 0, 3), "a read stops where the handed array begins");
        assertArrayEquals(new byte[] {1, 2, 3}, three);
        assertNull(p.takeOver(3), "a length other than the array's is read as bytes");
        assertSame(handed, p.takeOver(4));
        byte[] rest = new byte[2];
        assertEquals(2, p.in().read(rest, 0, 2));
        assertArrayEquals(new byte[] {4, 5}, rest);
        assertEquals(-1, p.in().read(rest, 0, 2));
        assertNull(p.takeOver(4), "nothing more at the end");
    }

    @Test
    void aReaderOfBytesGetsTheSameBytesCopied() throws Exception {
        Random rnd = new Random(7);
        Pipe p = new Pipe(1000);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> readAll(p.in()));
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[1 + rnd.nextInt(3000)];
            rnd.nextBytes(b);
            int len = 1 + rnd.nextInt(b.length);
            if (rnd.nextBoolean()) {
                p.handOver(b, len);
            } else {
                p.out().write(b, 0, len);
            }
            expected.write(b, 0, len);
        }
        p.closeWriter();
        assertArrayEquals(expected.toByteArray(), read.get(20, TimeUnit.SECONDS));
    }

    @Test
    void handingOverWaitsForTheReaderAndFailsOnceItStops() throws Exception {
        Pipe p = new Pipe(16);
        for (int i = 0; i < Pipe.MAX_HANDED; i++) {
            p.handOver(new byte[] {(byte) i}, 1);
        }
        CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
            try {
                p.handOver(new byte[] {42}, 1);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(100);
        assertTrue(!blocked.isDone(), "a writer waits while " + Pipe.MAX_HANDED + " arrays wait");
        assertEquals(0, p.takeOver(1)[0]);
        blocked.get(10, TimeUnit.SECONDS);

        p.closeReader();
        IOException e = assertThrows(IOException.class, () -> p.handOver(new byte[] {1}, 1));
        assertTrue(e.getMessage().contains("broken pipe"), e.getMessage());
    }

    private static byte[] readAll(InputStream in) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] b = new byte[777];
            for (int n; (n = in.read(b, 0, b.length)) >= 0; ) {
                out.write(b, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
