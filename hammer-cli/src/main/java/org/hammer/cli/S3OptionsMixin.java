package org.hammer.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.hammer.core.HammerException;
import picocli.CommandLine.Option;

/** Options of the commands that take an {@code s3://BUCKET/PREFIX} chain (S3.md). */
final class S3OptionsMixin {
    @Option(names = "--key-file", paramLabel = "FILE", description = "With an s3:// side: the 32-byte key (or 64 hex "
            + "digits) that encrypts the chain client-side with AES-256-GCM; required for a chain made with one.")
    Path keyFile;

    /** {@code --base-every DAYS} as a duration (null when not given); only for an upload to a chain. */
    static Duration baseEvery(Integer days, String dst) {
        if (days == null) {
            return null;
        }
        if (!org.hammer.s3.S3Url.is(dst)) {
            throw HammerException.usage("--base-every: only for an upload to an s3:// chain, not to " + dst);
        }
        if (days < 1) {
            throw HammerException.usage("--base-every " + days + ": at least 1 day");
        }
        return Duration.ofDays(days);
    }
}
