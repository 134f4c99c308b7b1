/**
 * Object-store targets (DESIGN.md §6.8, S3.md): a PFS kept in an S3-compatible bucket as a chain of
 * immutable stream objects (a base and incrementals, each a mirror stream compressed with zstd and
 * optionally sealed with AES-256-GCM), listed by a manifest written last. {@link org.hammer.s3.S3Mirror}
 * is the facade the CLI calls; {@link org.hammer.s3.S3Url} is the only other public type, and the
 * only one the CLI touches before it knows an argument is a bucket, so that commands without one
 * never load the AWS SDK.
 */
package org.hammer.s3;
