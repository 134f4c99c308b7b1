package org.hammer.core.cpdup;

import org.hammer.core.HammerException;

/**
 * A failure that concerns one object of the tree and nothing else: a local file that cannot be
 * read, created or given an attribute, a source file that changed while it was being copied. The
 * walk reports it and goes on; the store's own failures (full, I/O) stop the walk instead.
 */
final class ObjectFailure extends HammerException {
    ObjectFailure(String message, Throwable cause) {
        super(Kind.FAILURE, message, cause);
    }

    ObjectFailure(String message) {
        super(Kind.FAILURE, message);
    }
}
