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

    /**
     * A pipe's reader gets at most 64 KiB per read; asking the descriptor what is available is two
     * system calls more each time (fstat and FIONREAD), which buffering must not make.
     */
    @Test
    void standardInputIsReadWithoutAskingTheDescriptorWhatIsAvailable() throws java.io.IOException {
        byte[] data = new byte[4 << 20];
        new java.util.Random(5).nextBytes(data);
        int[] asked = new int[2];
        java.io.InputStream descriptor = new java.io.ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                asked[0]++;
                return super.read(b, off, Math.min(len, 1 << 16));
            }

            @Override
            public synchronized int available() {
                asked[1]++;
                return super.available();
            }
        };
        java.io.InputStream in = StdStreams.in(descriptor);
        byte[] header = new byte[20];
        byte[] payload = new byte[(512 << 10) - 20];
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        for (int f = 0; f < 8; f++) {
            for (byte[] b : new byte[][] {header, payload}) {
                for (int done = 0; done < b.length; ) {
                    done += in.read(b, done, b.length - done);
                }
                got.write(b);
            }
        }
        assertThat(got.toByteArray()).isEqualTo(data);
        assertThat(asked[1]).as("available() calls").isZero();
        assertThat(asked[0]).as("reads of the descriptor").isLessThanOrEqualTo(data.length / (1 << 16) + 8 * 2);
    }

    @Test
    void noOrMalformedHandOverKeepsDescriptorOne() {
        assertThat(StdStreams.handedOver(null, PID)).isNull();
        assertThat(StdStreams.handedOver("3", PID)).isNull();
        assertThat(StdStreams.handedOver("x@" + PID, PID)).isNull();
        assertThat(StdStreams.handedOver("3@x", PID)).isNull();
    }
}
