package org.hammer.core.cpdup;

/** The identity of an object on one side, (device, inode number): the key of hard-link groups. */
record FileId(long dev, long ino) {
}
