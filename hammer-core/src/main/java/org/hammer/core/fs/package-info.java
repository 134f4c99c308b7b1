/**
 * POSIX-like operations on one PFS, used by the mount, cpdup and tests alike. Reads work as of
 * any TID; writes add versioned records in one store transaction.
 */
package org.hammer.core.fs;
