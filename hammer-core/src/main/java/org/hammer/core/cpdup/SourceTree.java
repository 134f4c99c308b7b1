package org.hammer.core.cpdup;

import java.util.List;
import java.util.SortedMap;

/** The side a tree is copied from; {@code S} is its handle of one object. */
interface SourceTree<S> {

    /** Runs {@code body} with the tree readable (a PFS holds one read transaction: one consistent state). */
    void session(Runnable body);

    S root();

    /** The attributes of {@code node} (not following a symlink), or null when it has vanished. */
    Meta stat(S node);

    /** The names in directory {@code dir}, sorted. */
    List<String> list(S dir);

    S child(S dir, String name);

    String readlink(S node);

    /** The extended attributes of a file or directory by full name ({@code user.foo}). */
    SortedMap<String, byte[]> xattrs(S node, Meta meta);

    /** Reads {@code len} bytes at {@code offset}; returns fewer only at the end of the file. */
    int read(S node, long offset, byte[] dst, int len);

    /** Releases what reading {@code node} held open (a local file's channel). */
    default void doneReading(S node) {
    }

    /** How the path of the tree's root is shown. */
    String describe();
}
