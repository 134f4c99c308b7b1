package org.hammer.cli.fuse.kernel;

/**
 * The numbers of the FUSE kernel protocol this package speaks, from the kernel's
 * include/uapi/linux/fuse.h (protocol 7.33): opcodes, INIT flags, attribute and open flags,
 * notification codes and the sizes of the fixed structures, all little-endian on the wire.
 */
final class Protocol {
    static final int MAJOR = 7;
    static final int MINOR = 33;

    static final long ROOT_ID = 1;

    // ---- opcodes (enum fuse_opcode) ----
    static final int LOOKUP = 1;
    static final int FORGET = 2;
    static final int GETATTR = 3;
    static final int SETATTR = 4;
    static final int READLINK = 5;
    static final int SYMLINK = 6;
    static final int MKNOD = 8;
    static final int MKDIR = 9;
    static final int UNLINK = 10;
    static final int RMDIR = 11;
    static final int RENAME = 12;
    static final int LINK = 13;
    static final int OPEN = 14;
    static final int READ = 15;
    static final int WRITE = 16;
    static final int STATFS = 17;
    static final int RELEASE = 18;
    static final int FSYNC = 20;
    static final int SETXATTR = 21;
    static final int GETXATTR = 22;
    static final int LISTXATTR = 23;
    static final int REMOVEXATTR = 24;
    static final int FLUSH = 25;
    static final int INIT = 26;
    static final int OPENDIR = 27;
    static final int READDIR = 28;
    static final int RELEASEDIR = 29;
    static final int FSYNCDIR = 30;
    static final int ACCESS = 34;
    static final int CREATE = 35;
    static final int INTERRUPT = 36;
    static final int DESTROY = 38;
    static final int BATCH_FORGET = 42;
    static final int READDIRPLUS = 44;
    static final int RENAME2 = 45;

    // ---- INIT flags (fuse_init_in.flags / fuse_init_out.flags) ----
    static final int ASYNC_READ = 1;
    static final int ATOMIC_O_TRUNC = 1 << 3;
    static final int EXPORT_SUPPORT = 1 << 4;
    static final int BIG_WRITES = 1 << 5;
    static final int AUTO_INVAL_DATA = 1 << 12;
    static final int DO_READDIRPLUS = 1 << 13;
    static final int READDIRPLUS_AUTO = 1 << 14;
    static final int WRITEBACK_CACHE = 1 << 16;
    static final int PARALLEL_DIROPS = 1 << 18;
    static final int MAX_PAGES = 1 << 22;
    /** 7.29 (Linux 5.1), offered by the kernel: an OPENDIR answered ENOSYS means no OPENDIR from then on. */
    static final int NO_OPENDIR_SUPPORT = 1 << 24;
    /** 7.33: the filesystem clears set-user-id and set-group-id bits itself (the *_KILL_SUIDGID flags below). */
    static final int HANDLE_KILLPRIV_V2 = 1 << 28;
    /** 7.36: fuse_init_in and fuse_init_out carry a second word of flags (flags2: the flags from bit 32). */
    static final int INIT_EXT = 1 << 30;
    /** flags2 of 7.42: requests go through io_uring once the queues have entries (FUSE_OVER_IO_URING, bit 41). */
    static final int OVER_IO_URING2 = 1 << (41 - 32);

    // ---- fuse_setattr_in.valid ----
    static final int FATTR_MODE = 1;
    static final int FATTR_UID = 1 << 1;
    static final int FATTR_GID = 1 << 2;
    static final int FATTR_SIZE = 1 << 3;
    static final int FATTR_ATIME = 1 << 4;
    static final int FATTR_MTIME = 1 << 5;
    static final int FATTR_FH = 1 << 6;
    static final int FATTR_ATIME_NOW = 1 << 7;
    static final int FATTR_MTIME_NOW = 1 << 8;
    /** With HANDLE_KILLPRIV_V2: a truncate or chown that clears set-user-id and set-group-id (with group execute). */
    static final int FATTR_KILL_SUIDGID = 1 << 11;

    /** fuse_write_in.write_flags: the writer lacks CAP_FSETID; clear set-id bits as a local write does. */
    static final int WRITE_KILL_SUIDGID = 1 << 2;
    /** fuse_open_in.open_flags: an O_TRUNC open by a caller without CAP_FSETID clears set-id bits. */
    static final int OPEN_KILL_SUIDGID = 1;

    /** fuse_getattr_in.getattr_flags: fh is valid. */
    static final int GETATTR_FH = 1;

    // ---- fuse_open_out.open_flags ----
    static final int FOPEN_KEEP_CACHE = 1 << 1;
    static final int FOPEN_CACHE_DIR = 1 << 3;

    // ---- notification codes (enum fuse_notify_code), sent in fuse_out_header.error ----
    static final int NOTIFY_INVAL_INODE = 2;
    static final int NOTIFY_INVAL_ENTRY = 3;

    // ---- fixed sizes ----
    static final int IN_HEADER = 40;
    static final int OUT_HEADER = 16;
    static final int ATTR = 88;
    static final int ENTRY_OUT = 40 + ATTR;
    static final int ATTR_OUT = 16 + ATTR;
    static final int OPEN_OUT = 16;
    static final int WRITE_OUT = 8;
    static final int STATFS_OUT = 80;
    static final int XATTR_OUT = 8;
    static final int INIT_OUT = 64;
    static final int WRITE_IN = 40;
    static final int DIRENT = 24;
    static final int NOTIFY_INVAL_INODE_OUT = 24;
    static final int NOTIFY_INVAL_ENTRY_OUT = 16;

    /**
     * The size of a request's first argument structure, which FUSE over io_uring puts in a buffer
     * apart from the rest of the arguments (requests with none, such as LOOKUP's name: 0). Only
     * requests that come through a ring are listed; FORGET, INTERRUPT and INIT come through the device.
     */
    static int firstArgument(int opcode) {
        return switch (opcode) {
            case GETATTR, MKNOD, RENAME2, FSYNC, FSYNCDIR, CREATE -> 16;
            case SETATTR -> 88;
            case MKDIR, RENAME, LINK, OPEN, OPENDIR, SETXATTR, GETXATTR, LISTXATTR, ACCESS -> 8;
            case READ, WRITE, READDIR, READDIRPLUS -> 40;
            case RELEASE, RELEASEDIR, FLUSH -> 24;
            default -> 0; // LOOKUP, READLINK, SYMLINK, UNLINK, RMDIR, STATFS, REMOVEXATTR, DESTROY
        };
    }

    /** FUSE_DEV_IOC_CLONE: _IOR(229, 0, uint32_t). */
    static final long DEV_IOC_CLONE = 0x8004_E500L;

    private Protocol() {
    }

    /** The name of an opcode, for logs. */
    static String name(int opcode) {
        return switch (opcode) {
            case LOOKUP -> "LOOKUP";
            case FORGET -> "FORGET";
            case GETATTR -> "GETATTR";
            case SETATTR -> "SETATTR";
            case READLINK -> "READLINK";
            case SYMLINK -> "SYMLINK";
            case MKNOD -> "MKNOD";
            case MKDIR -> "MKDIR";
            case UNLINK -> "UNLINK";
            case RMDIR -> "RMDIR";
            case RENAME -> "RENAME";
            case LINK -> "LINK";
            case OPEN -> "OPEN";
            case READ -> "READ";
            case WRITE -> "WRITE";
            case STATFS -> "STATFS";
            case RELEASE -> "RELEASE";
            case FSYNC -> "FSYNC";
            case FLUSH -> "FLUSH";
            case INIT -> "INIT";
            case CREATE -> "CREATE";
            case READDIR -> "READDIR";
            case READDIRPLUS -> "READDIRPLUS";
            case SETXATTR -> "SETXATTR";
            case GETXATTR -> "GETXATTR";
            case LISTXATTR -> "LISTXATTR";
            case REMOVEXATTR -> "REMOVEXATTR";
            case OPENDIR -> "OPENDIR";
            case RELEASEDIR -> "RELEASEDIR";
            case FSYNCDIR -> "FSYNCDIR";
            case ACCESS -> "ACCESS";
            case INTERRUPT -> "INTERRUPT";
            case DESTROY -> "DESTROY";
            case BATCH_FORGET -> "BATCH_FORGET";
            case RENAME2 -> "RENAME2";
            default -> "opcode " + opcode;
        };
    }
}
