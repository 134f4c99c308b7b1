package org.hammer.core.scrub;

import org.hammer.core.pfs.PfsConfig;

/** Hears what a scrub finds, as it finds it. Called on the scrubbing thread. */
public interface ScrubListener {

    /** A damaged object; the scrub goes on. */
    void damaged(Finding f);

    /** Progress of the checksum walk: at its start, every few megabytes, and at its end. */
    default void progress(ScrubProgress p) {
    }

    /** The PFS-level checks of PFS {@code c} begin; {@code path} names its root as users do. */
    default void checking(PfsConfig c, String path) {
    }
}
