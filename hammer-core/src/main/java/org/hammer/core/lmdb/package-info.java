/**
 * hammer's binding of LMDB, through its own small JNI library ({@code src/main/native}), and the
 * few system calls the JDK lacks. Below the store: only {@code org.hammer.core.store} uses the
 * LMDB classes. A JNI call costs tens of nanoseconds and loading the library a millisecond or two,
 * where a binding generated at run time cost hundreds of milliseconds of every command's start;
 * and it needs no JVM option to reach into {@code java.nio}.
 *
 * <p>LMDB itself is the library the lmdbjava project builds, unchanged, with one exception made
 * at load: its calls of {@code writev} and {@code pwrite} (a commit writing its dirty pages, up to
 * 64 runs and 4.4 MB a call) go to the native library's, which makes the same writes: stretches of
 * a megabyte or more of large values' pages (the blocks of large files) with {@code O_DIRECT},
 * past the page cache, and the rest in pieces of at most 512 KiB whose writeback starts as they
 * go. Large calls cost this project's kernels several times the CPU per byte, and copying a large
 * value into fresh page-cache pages was most of a large copy's CPU (bench/PROFILE.md §2); LMDB
 * fixes both when it is compiled. The bytes, their order and their offsets are LMDB's, and its
 * commit's {@code fdatasync} follows as before. {@code Native.writeStats} tells whether the
 * redirection took and what it did. A process may prefer the page cache for its large values too
 * ({@link org.hammer.core.lmdb.Env#preferDirectWrites}: the mount, whose commits are small); the
 * operator's {@code HAMMER_LMDB_DIRECT} ({@code 0}: every write in the page cache, {@code 1}:
 * large values direct), when set, wins.
 */
package org.hammer.core.lmdb;
