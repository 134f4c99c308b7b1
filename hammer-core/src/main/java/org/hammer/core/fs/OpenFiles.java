package org.hammer.core.fs;

/**
 * What a writer asks when an object loses its last name: whether it is still open (a mount's
 * file handle), in which case it is kept as an orphan (see the package documentation) until
 * {@link FsWriter#reclaim}, in the name of {@link #owner}.
 */
public interface OpenFiles {

    /** Nothing is ever open: an object goes with its last name (cpdup, mirror-write, tests). */
    OpenFiles NONE = new OpenFiles() {
        @Override
        public boolean keep(int pfs, long ino) {
            return false;
        }

        @Override
        public String owner() {
            return "";
        }
    };

    /**
     * True when object {@code ino} of {@code pfs}, whose last name goes now, is still open: the
     * writer keeps it as an orphan, and the one that has it open reclaims it once it closes it.
     */
    boolean keep(int pfs, long ino);

    /**
     * Who keeps the orphans, stored with each one, so that a later process can tell those whose
     * keeper is gone (a killed mount daemon) from those still open elsewhere.
     */
    String owner();
}
