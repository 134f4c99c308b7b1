/**
 * Helpers of the benchmark harness {@code bench/run}: data set generation, a commit-to-visible
 * latency probe and a steady writer that use the core API directly, a stream rate meter and a
 * file-create counter. Compiled by {@code bench/run} against the built jars; not part of the build.
 */
package org.hammer.bench;
