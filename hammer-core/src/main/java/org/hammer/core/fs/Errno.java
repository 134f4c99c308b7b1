package org.hammer.core.fs;

/** The POSIX error numbers filesystem operations fail with (Linux values, as FUSE expects). */
public enum Errno {
    EPERM(1), ENOENT(2), EIO(5), EACCES(13), EEXIST(17), EXDEV(18), ENOTDIR(20), EISDIR(21), EINVAL(22),
    EFBIG(27), ENOSPC(28), EROFS(30), EMLINK(31), ERANGE(34), ENAMETOOLONG(36), ENOTEMPTY(39), ELOOP(40),
    ENODATA(61);

    private final int code;

    Errno(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
