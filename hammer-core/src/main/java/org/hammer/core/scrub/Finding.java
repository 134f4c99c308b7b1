package org.hammer.core.scrub;

import org.hammer.core.btree.RecordKey;
import org.hammer.core.store.StoreCheck;
import org.hammer.core.tid.Tid;

/**
 * One damaged object found by a scrub: the structure it lies in ({@code records}, {@code changes},
 * {@code meta}, {@code file} as the store check names them; {@code config} for PFS records, links
 * and the PFS-level checks; {@code store} for a read the scrub could not finish), its PFS ({@code -1}
 * for the store as a whole), the record key when the damage is a record's or names one (a change
 * entry's, a PFS link's), what is wrong, and, with a key, the path of its object as users name it
 * ({@link #PATH_UNKNOWN} when it cannot be derived).
 */
public record Finding(String table, int pfs, RecordKey key, String what, String path) {

    /** The path of an object whose name could not be derived (the derivation met damage too, or no name). */
    public static final String PATH_UNKNOWN = "unknown";

    private static final String DAMAGED = "store damaged: ";

    /** A finding of the store check, its message shortened where it repeats the key. */
    static Finding of(StoreCheck.Damage d, String path) {
        String what = d.what() == null ? "damaged" : d.what();
        int at = what.indexOf(DAMAGED);
        if (at >= 0) {
            what = what.substring(at + DAMAGED.length());
        }
        if (d.key() != null) {
            String record = "record " + d.key().describe();
            what = what.startsWith(record + ": ") ? what.substring(record.length() + 2)
                    : what.replace(record, "record");
        }
        return new Finding(d.table(), d.key() == null ? d.pfs() : d.key().pfs(), d.key(), what,
                d.key() == null ? null : path);
    }

    /** A finding about PFS {@code pfs} as a whole (its PFS record, its records' PFS id). */
    static Finding pfs(int pfs, String what) {
        return new Finding("config", pfs, null, what, null);
    }

    /** A finding about one record of a PFS. */
    static Finding record(String table, RecordKey key, String what, String path) {
        return new Finding(table, key.pfs(), key, what, path);
    }

    /**
     * The report line: {@code damaged PFS#1 obj 0x... DATA key 0x... tid 0x... path /s/pfs/x/f: what}
     * for a record ({@code tid} is its create TID), {@code damaged PFS#1: what} for a PFS as a whole,
     * {@code damaged store: what} for the store's own structures.
     */
    public String line() {
        StringBuilder b = new StringBuilder("damaged ");
        if (key != null) {
            b.append("PFS#").append(key.pfs()).append(" obj ").append(String.format("0x%016x", key.obj())).append(' ')
                    .append(key.type()).append(" key ").append(String.format("0x%016x", key.key())).append(" tid ")
                    .append(Tid.format(key.createTid()));
            if (path != null) {
                b.append(" path ").append(path);
            }
        } else if (pfs >= 0) {
            b.append("PFS#").append(pfs);
        } else {
            b.append("store");
        }
        return b.append(": ").append(what).toString();
    }
}
