package org.hammer.cli;

import org.hammer.core.mirror.StreamStatus;

/**
 * The progress line of mirror-copy and mirror-write:
 * {@code mirror-copy: 45% 8123 of 18000 records, 512.0 MiB, 12.3 MB/s, ETA 0:41}. The share and
 * the ETA come from the count of change entries the source still has to send, which it gives as
 * the run starts (its change index bounds the records to come); without it, neither is shown.
 */
class MirrorProgress implements StreamStatus {
    private final String command;
    private final ProgressLine line;
    private final long started = System.nanoTime();

    MirrorProgress(String command, ProgressLine line) {
        this.command = command;
        this.line = line;
    }

    @Override
    public void progress(long records, long bytes, long expected) {
        line.show(() -> text(command, records, bytes, expected, (System.nanoTime() - started) / 1e9));
    }

    /** The line after {@code seconds} of a run that moved {@code records} and {@code bytes} of {@code expected}. */
    static String text(String command, long records, long bytes, long expected, double seconds) {
        StringBuilder b = new StringBuilder(command).append(": ");
        boolean known = expected > 0;
        long total = Math.max(expected, records);
        if (known) {
            b.append(String.format("%d%% ", records * 100 / total)).append(records).append(" of ").append(total);
        } else {
            b.append(records);
        }
        double secs = Math.max(seconds, 1e-3);
        b.append(" records, ").append(InfoCommand.human(bytes)).append(", ")
                .append(String.format("%.1f MB/s", bytes / secs / 1e6));
        if (known && records > 0) {
            b.append(", ETA ").append(ProgressLine.duration(Math.round((total - records) * secs / records)));
        }
        return b.toString();
    }
}
