package org.hammer.core.btree;

import org.hammer.core.HammerException;

/** A stored record whose data does not match its CRC. */
public final class CorruptRecordException extends HammerException {
    public CorruptRecordException(RecordKey key) {
        super(Kind.CORRUPT, "record " + key + ": data CRC mismatch");
    }
}
