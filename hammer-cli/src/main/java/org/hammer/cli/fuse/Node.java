package org.hammer.cli.fuse;

/** One object of a mount: an object id of a PFS, seen through a {@link View}. */
record Node(View view, long ino) {
}
