/**
 * hammer's binding of LMDB, through its own small JNI library ({@code src/main/native}), and the
 * few system calls the JDK lacks. Below the store: only {@code org.hammer.core.store} uses the
 * LMDB classes. A JNI call costs tens of nanoseconds and loading the library a millisecond or two,
 * where a binding generated at run time cost hundreds of milliseconds of every command's start;
 * and it needs no JVM option to reach into {@code java.nio}.
 */
package org.hammer.core.lmdb;
