package org.hammer.core;

/**
 * The one unchecked exception of hammer: a failure with a {@link Kind} that decides the exit code
 * and a message that already names the object and what failed.
 */
public class HammerException extends RuntimeException {

    /** What went wrong, mapped once to an exit code (DESIGN.md §7). */
    public enum Kind {
        FAILURE(1), USAGE(2), REFUSED(3), NOT_FOUND(4), CORRUPT(5), INTERNAL(70);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;

    public HammerException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public HammerException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static HammerException failure(String message) {
        return new HammerException(Kind.FAILURE, message);
    }

    public static HammerException usage(String message) {
        return new HammerException(Kind.USAGE, message);
    }

    public static HammerException refused(String message) {
        return new HammerException(Kind.REFUSED, message);
    }

    public static HammerException notFound(String message) {
        return new HammerException(Kind.NOT_FOUND, message);
    }

    public static HammerException corrupt(String message) {
        return new HammerException(Kind.CORRUPT, message);
    }
}
