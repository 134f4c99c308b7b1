package org.hammer.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.s3.S3Mirror;

/**
 * The CLI's way into hammer-s3 for the commands that met an {@code s3://} argument: every call
 * here loads {@link S3Mirror}, and with it the AWS SDK, which no other command loads.
 */
final class S3Commands {
    private S3Commands() {
    }

    static int copy(String src, String dst, MirrorOptions o, S3OptionsMixin s3, boolean full, Duration baseEvery,
            boolean partial, Predicate<String> confirm) {
        long t0 = System.nanoTime();
        String summary = org.hammer.s3.S3Url.is(dst) ? S3Mirror.upload(src, dst, s3.keyFile, o, full, baseEvery)
                : S3Mirror.restore(src, dst, s3.keyFile, o, confirm, partial);
        if (!o.quiet()) {
            System.err.printf("Mirror-copy %s to %s %s in %.2f s%n", src, dst, summary, (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }

    static int stream(String src, String dst, MirrorOptions o, S3OptionsMixin s3, Duration delay, Duration retry,
            Duration baseEvery) {
        AtomicBoolean stop = new AtomicBoolean();
        return Termination.untilStopped("mirror-stream", () -> stop.set(true), null, Duration.ofSeconds(10), () -> {
            int rounds = S3Mirror.stream(src, dst, s3.keyFile, o, delay.toMillis(), retry.toMillis(), baseEvery,
                    stop::get);
            if (!o.quiet()) {
                System.err.printf("Mirror-stream %s to %s stopped: %d uploads%n", src, dst, rounds);
            }
            return 0;
        });
    }

    static int verify(String pfs, String chain, S3OptionsMixin s3, PrintWriter out) {
        S3Mirror.verify(pfs, chain, s3.keyFile, out, 20);
        return 0;
    }

    static void status(String chain, S3OptionsMixin s3, PrintWriter out) {
        S3Mirror.status(chain, s3.keyFile, out);
    }

    static String prune(String chain, S3OptionsMixin s3, int keep, MirrorOptions o) {
        return S3Mirror.prune(chain, s3.keyFile, keep, o);
    }
}
