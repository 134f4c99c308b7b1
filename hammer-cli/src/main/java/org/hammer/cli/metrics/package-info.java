/**
 * The Prometheus endpoint of long-running commands ({@code mirror-stream --metrics},
 * {@code mount --metrics}): the only package that uses the Prometheus client library, so that its
 * classes are loaded only when a command is asked to serve metrics. {@link MetricsEndpoint}
 * serves the text format on {@code /metrics} with the JDK's HTTP server; {@link MirrorMetrics}
 * and {@link MountMetrics} compute their values when scraped, from what the stream or the mount
 * reports and from the stores themselves.
 */
package org.hammer.cli.metrics;
