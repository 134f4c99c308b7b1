package org.hammer.core.fs;

import org.hammer.core.HammerException;

/** A filesystem operation that failed with a POSIX {@link Errno}. */
public final class FsException extends HammerException {
    private final Errno errno;

    public FsException(Errno errno, String message) {
        super(kindOf(errno), message);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }

    private static Kind kindOf(Errno e) {
        return switch (e) {
            case ENOENT -> Kind.NOT_FOUND;
            case EROFS -> Kind.REFUSED;
            case EINVAL -> Kind.USAGE;
            default -> Kind.FAILURE;
        };
    }
}
