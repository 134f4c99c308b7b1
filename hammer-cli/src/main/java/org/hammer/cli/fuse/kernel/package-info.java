/**
 * The FUSE kernel protocol spoken on {@code /dev/fuse} directly, without libfuse: mounting
 * ({@link org.hammer.cli.fuse.kernel.KernelMount}: {@code mount(2)} as root, {@code fusermount3}
 * otherwise), the session ({@link org.hammer.cli.fuse.kernel.Session}: INIT negotiation, a fixed
 * pool of Java workers each on its own clone of the device, teardown once the kernel ends the
 * connection and every worker is done), the little-endian request and reply structures of
 * include/uapi/linux/fuse.h ({@link org.hammer.cli.fuse.kernel.Request},
 * {@link org.hammer.cli.fuse.kernel.Reply}) and the kernel's cache invalidation notifications.
 *
 * <p>The protocol is inode-based: the filesystem names each object by a node id of its choosing
 * and counts the kernel's lookups of it until FORGET, so a hard-linked file is one kernel inode
 * and its attributes can be cached. What a filesystem answers is an
 * {@link org.hammer.cli.fuse.kernel.Operations}; this package knows nothing of the store.
 *
 * <p>Contract: every request gets exactly one reply (none for FORGET, BATCH_FORGET and
 * INTERRUPT), written on the descriptor it came from; an operation returns a positive errno or
 * 0 with its reply encoded. INIT asks for 1 MiB writes (FUSE_MAX_PAGES), asynchronous reads,
 * READDIRPLUS (chosen by the kernel), parallel directory operations, atomic O_TRUNC and
 * HANDLE_KILLPRIV_V2 (protocol 7.33: the filesystem clears set-id bits on the WRITE, SETATTR and
 * OPEN that carry a *_KILL_SUIDGID flag); the kernel's write-back cache only when asked. A mount
 * by a user other than root goes through fusermount3, without allow_other unless
 * /etc/fuse.conf has user_allow_other. Notifications go out on a thread of their own,
 * since the kernel may hold them until a reply a worker owes.
 */
package org.hammer.cli.fuse.kernel;
