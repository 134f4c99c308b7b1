package org.hammer.core.mirror;

import java.nio.file.Path;
import java.time.Duration;
import org.hammer.core.HammerException;

/**
 * How mirror-stream paces itself: {@code delay} is the least time between two rounds of batches
 * (-i), {@code retry} the pause before reconnecting a lost link (to which the delay is added, as
 * HAMMER's 15 + -i seconds), {@code heartbeat} the longest silence of an idle source, and
 * {@code scoreboard} the status file (-e), or null.
 */
public record StreamOptions(Duration delay, Duration retry, Duration heartbeat, Path scoreboard) {
    public static final Duration DEFAULT_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETRY = Duration.ofSeconds(15);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);

    public StreamOptions {
        if (delay.isNegative()) {
            throw HammerException.usage("-i " + delay.toMillis() / 1000.0 + ": the delay must be >= 0 seconds");
        }
        if (retry.isNegative()) {
            throw HammerException.usage("--retry " + retry.toMillis() / 1000.0 + ": must be >= 0 seconds");
        }
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat must be positive: " + heartbeat);
        }
    }

    /** Parses a number of seconds such as {@code 5} or {@code 0.25} given to {@code option}. */
    public static Duration seconds(String option, String text) {
        try {
            java.math.BigDecimal s = new java.math.BigDecimal(text.trim());
            if (s.signum() < 0 || s.compareTo(java.math.BigDecimal.valueOf(86_400L * 365)) > 0) {
                throw new NumberFormatException();
            }
            return Duration.ofMillis(s.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            throw HammerException.usage(option + " " + text + ": expected seconds, such as 5 or 0.5");
        }
    }
}
