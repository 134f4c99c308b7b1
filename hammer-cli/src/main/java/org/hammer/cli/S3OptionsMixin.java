package org.hammer.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of the commands that take an {@code s3://BUCKET/PREFIX} chain (S3.md). */
final class S3OptionsMixin {
    @Option(names = "--key-file", paramLabel = "FILE", description = "With an s3:// side: the 32-byte key (or 64 hex "
            + "digits) that encrypts the chain client-side with AES-256-GCM; required for a chain made with one.")
    Path keyFile;
}
