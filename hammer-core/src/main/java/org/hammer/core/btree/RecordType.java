package org.hammer.core.btree;

/** B-tree record types, numbered as HAMMER's rec_type (hammer_disk.h). */
public enum RecordType {
    INODE(0x01), DATA(0x10), DIRENTRY(0x11), XATTR(0x12), SYMLINK(0x13), SNAPSHOT(0x16), CONFIG(0x17);

    private static final RecordType[] BY_CODE = new RecordType[256];

    static {
        for (RecordType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    RecordType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a code, or null when the code is unknown. */
    public static RecordType ofCode(int code) {
        return code >= 0 && code < 256 ? BY_CODE[code] : null;
    }

    /** CONFIG records stay on their PFS: they are never mirrored (HAMMER.md §3.4). */
    public boolean mirrored() {
        return this != CONFIG;
    }
}
