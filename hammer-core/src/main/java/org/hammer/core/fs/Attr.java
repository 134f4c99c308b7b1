package org.hammer.core.fs;

import org.hammer.core.btree.Inode;

/** An object's attributes as getattr returns them: its id and its inode data. */
public record Attr(long ino, Inode inode) {
}
