package org.hammer.core.btree;

import org.hammer.core.HammerException;

/** A stored record that does not match its checksums, or cannot be a record at all. */
public final class CorruptRecordException extends HammerException {
    private final transient RecordKey key;

    public CorruptRecordException(RecordKey key, String what) {
        super(Kind.CORRUPT, "record " + (key == null ? "?" : key.describe()) + ": " + what);
        this.key = key;
    }

    /** The damaged record's key as stored, or null when the key itself is unreadable. */
    public RecordKey key() {
        return key;
    }
}
