package org.hammer.core.store;

import org.hammer.core.btree.RecordKey;

/**
 * A full check of a store's structures, for {@code hammer scrub}: every record's checksums, the
 * order of keys, the change index against the records in both directions, every meta entry, the
 * meta pages and the seal. Damage is reported as found and the check goes on where it can.
 */
public final class StoreCheck {
    private StoreCheck() {
    }

    /** One damaged thing: where (records, changes, meta, file), the record key when known, and what. */
    public record Damage(String table, RecordKey key, int pfs, String what) {
    }

    /** Hears of damage and of progress while a check runs. */
    public interface Listener {
        void damage(Damage d);

        /** Called every few megabytes: bytes of store data and entries read so far. */
        default void progress(long bytes, long entries) {
        }
    }

    /** What a check read. */
    public record Totals(long records, long recordBytes, long changes, long metaEntries, long damaged) {
    }
}
