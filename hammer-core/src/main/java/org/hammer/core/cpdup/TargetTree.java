package org.hammer.core.cpdup;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.SortedMap;
import java.util.function.BooleanSupplier;

/**
 * The side a tree is copied to; {@code T} is its handle of one object. Changes happen only inside
 * {@link #run}, which may commit them in several batches. A regular file is written unnamed
 * ({@link #stage}) and named by {@link #place} after its last byte, so that it is seen whole or not
 * at all, whatever fails or however many commits it takes.
 */
interface TargetTree<T> {

    /** An object found by {@link #lookup}: its handle and attributes. */
    record Found<T>(T node, Meta meta) {
    }

    /**
     * Calls {@code step} until it returns false, committing the changes in batches; calls
     * {@code committed} after each commit (every change so far is then durable, or, on a local
     * side, made).
     */
    void run(BooleanSupplier step, Runnable committed);

    /**
     * Creates the missing directories above the destination and returns the directory that will
     * hold it, or the destination itself when {@link #destName()} is null (a PFS root).
     */
    T prepare();

    /** The destination's name in {@link #prepare()}'s directory, or null to copy into that directory. */
    String destName();

    Found<T> lookup(T dir, String name);

    Meta stat(T node);

    /** The names in {@code dir}, in any order. */
    List<String> list(T dir);

    String readlink(T node);

    /**
     * Removes {@code dir/name}, a whole tree if it is a directory; returns the objects removed
     * (what the side keeps, such as a PFS link, stays, and so do the directories above it).
     */
    long remove(T dir, String name);

    T mkdir(T dir, String name, Meta want);

    /**
     * Creates an empty regular file, meant to become {@code dir/name}, that nothing shows yet (what
     * is at {@code dir/name} stays as it is).
     */
    T stage(T dir, String name, Meta want);

    /**
     * Puts a staged file, written and given its attributes, at {@code dir/name} in one step,
     * replacing what is there unless it is a directory; returns its handle from then on.
     */
    T place(T staged, T dir, String name);

    /** Drops a staged file that will not be placed. */
    void discard(T staged);

    /**
     * Writes {@code src}'s remaining bytes at {@code offset}; {@code crcs}, when not null, are their
     * checksums as this target stores them, made where they were read ({@link Piece.Checksums}).
     */
    void write(T file, long offset, ByteBuffer src, int[] crcs);

    /** Sets the length of a file whose data has been written (holes were skipped). */
    void setSize(T file, long size);

    /** Closes what writing {@code file} held open. */
    default void doneWriting(T file) {
    }

    T symlink(T dir, String name, String target, Meta want);

    /** Creates a fifo, device node or socket; null when this side cannot hold one. */
    T mknod(T dir, String name, Meta want);

    void link(T existing, T dir, String name);

    /** The identity of {@code node}, to recognise an existing hard link on a later run. */
    FileId id(T node);

    /** True when {@code have} already carries {@code want}'s mode, owner and mtime. */
    boolean sameAttrs(Meta want, Meta have);

    void setAttrs(T node, Meta want);

    SortedMap<String, byte[]> xattrs(T node, Meta meta);

    void setXattr(T node, String name, byte[] value);

    void removeXattr(T node, String name);

    String describe();
}
