package org.hammer.core.store;

import org.hammer.core.btree.RecordKey;

/**
 * A full check of a store's structures, for {@code hammer scrub}: every record's checksums, the
 * order of keys, the change index against the records in both directions, every meta entry, the
 * meta pages and the seal. Damage is reported as found and the check goes on where it can.
 */
public final class StoreCheck {
    /** {@link Listener#onlyPfs()} of a check of every PFS. */
    public static final int ALL_PFSES = -1;

    private StoreCheck() {
    }

    /**
     * One damaged thing: where (records, changes, meta, file), the record key when known (for a
     * change entry, the record it names), and what.
     */
    public record Damage(String table, RecordKey key, int pfs, String what) {
    }

    /** Hears of damage and of progress while a check runs. */
    public interface Listener {
        void damage(Damage d);

        /** Called every few megabytes: bytes of store data and entries read so far. */
        default void progress(long bytes, long entries) {
        }

        /**
         * The one PFS whose records and change entries the check walks, or {@link #ALL_PFSES}. The
         * meta entries and the meta pages belong to the whole store and are always checked. (Asked
         * of the listener because {@link Store#check} takes nothing else.)
         */
        default int onlyPfs() {
            return ALL_PFSES;
        }
    }

    /** What a check read. */
    public record Totals(long records, long recordBytes, long changes, long metaEntries, long damaged) {
    }
}
