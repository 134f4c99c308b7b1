/**
 * hammer's binding of LMDB, through its own small JNI library ({@code src/main/native}), and the
 * few system calls the JDK lacks. Below the store: only {@code org.hammer.core.store} uses the
 * LMDB classes. A JNI call costs tens of nanoseconds and loading the library a millisecond or two,
 * where a binding generated at run time cost hundreds of milliseconds of every command's start;
 * and it needs no JVM option to reach into {@code java.nio}.
 *
 * <p>LMDB itself is the library the lmdbjava project builds, unchanged, with one exception made
 * at load: its calls of {@code writev} (a commit writing its dirty pages, up to 64 runs and
 * 4.4 MB a call) go to the native library's, which makes the same writes in pieces of at most
 * 512 KiB and starts each piece's writeback as it goes. Large calls cost this project's kernels
 * several times the CPU per byte (bench/PROFILE.md §2), and LMDB fixes the size when it is
 * compiled. {@code Native.writeStats} tells whether the redirection took and what it did.
 */
package org.hammer.core.lmdb;
