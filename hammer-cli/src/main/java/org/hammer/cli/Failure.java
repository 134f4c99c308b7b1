package org.hammer.cli;

import org.hammer.core.HammerException;

/**
 * Puts the object a command works on in front of a core failure's message, so that every error
 * reads {@code hammer: <command> <object>: <what failed>} (DESIGN.md §7), keeping its kind.
 */
final class Failure {

    private Failure() {
    }

    /** {@code e} with its message prefixed by {@code object}, unless it already starts with it. */
    static HammerException about(String object, HammerException e) {
        String message = e.getMessage() == null ? "failed" : e.getMessage();
        if (message.startsWith(object + ":") || message.startsWith(object + " ")) {
            return e;
        }
        return new HammerException(e.kind(), object + ": " + message, e);
    }
}
