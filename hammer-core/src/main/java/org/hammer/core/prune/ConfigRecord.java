package org.hammer.core.prune;

import java.nio.charset.StandardCharsets;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordType;
import org.hammer.core.snapshot.RootRecords;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreReader;

/** The cleanup config of a PFS: a CONFIG record (key 0) on its root, never mirrored (HAMMER.md §3.4). */
public final class ConfigRecord {

    private ConfigRecord() {
    }

    /** The stored config text, or null when the PFS has none. */
    public static String read(StoreReader r, int pfs) {
        Record rec = RootRecords.find(r, pfs, RecordType.CONFIG, 0);
        return rec == null ? null : new String(rec.data(), StandardCharsets.UTF_8);
    }

    /** The config in effect: the stored one, or the defaults. */
    public static CleanupConfig effective(StoreReader r, int pfs) {
        String text = read(r, pfs);
        return text == null ? CleanupConfig.defaults() : CleanupConfig.parse(text);
    }

    /** Validates and stores {@code text} as the config of {@code pfs}. */
    public static CleanupConfig write(Store store, int pfs, String text) {
        CleanupConfig c = CleanupConfig.parse(text);
        RootRecords.put(store, pfs, RecordType.CONFIG, 0, text.getBytes(StandardCharsets.UTF_8));
        return c;
    }
}
