/**
 * Pseudo-filesystems: the PFS records of a store, their life cycle (master, slave, upgrade,
 * downgrade, destroy), their lineage, and the resolution of command-line paths to a PFS.
 */
package org.hammer.core.pfs;
