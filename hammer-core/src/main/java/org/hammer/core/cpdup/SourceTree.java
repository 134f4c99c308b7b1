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

    /**
     * The piece of {@code node} at {@code offset}, of at most {@link FileCopy#PIECE} bytes (fewer only
     * at the end of the file), when it has been read ahead already; or null: {@link #read} it then.
     * Each piece taken is given back with {@link #release}.
     */
    default Piece piece(S node, long offset) {
        return null;
    }

    /** Gives back a piece taken with {@link #piece}. */
    default void release(Piece p) {
    }

    /** Releases what reading {@code node} held open (a local file's channel). */
    default void doneReading(S node) {
    }

    /** How the path of the tree's root is shown. */
    String describe();
}
