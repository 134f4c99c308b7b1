package org.hammer.core.cpdup;

import java.util.List;
import java.util.SortedMap;
import java.util.function.BooleanSupplier;

/**
 * The side a tree is copied to; {@code T} is its handle of one object. Changes happen only inside
 * {@link #run}, which may commit them in several batches.
 */
interface TargetTree<T> {

    /** An object found by {@link #lookup}: its handle and attributes. */
    record Found<T>(T node, Meta meta) {
    }

    /** Calls {@code step} until it returns false, committing the changes in batches. */
    void run(BooleanSupplier step);

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

    /** Creates an empty regular file. */
    T create(T dir, String name, Meta want);

    void write(T file, long offset, byte[] src, int srcOff, int len);

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
