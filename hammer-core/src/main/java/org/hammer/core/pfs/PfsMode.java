package org.hammer.core.pfs;

/** Whether a PFS takes local writes (MASTER) or only mirrored records (SLAVE). */
public enum PfsMode {
    MASTER, SLAVE
}
