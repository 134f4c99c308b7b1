package org.hammer.core.fs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.hammer.core.store.StoreReader;
import org.hammer.core.store.StoreWriter;

/**
 * The orphan list of a store: objects that lost their last name while open and are kept, with no
 * name, until they are reclaimed. One metadata entry per orphan (never mirrored, not versioned):
 * key {@code orphans/<pfs %05d>/<object id %016x>}, value the owner's text ({@link OpenFiles#owner}).
 */
public final class Orphans {
    private static final String PREFIX = "orphans/";

    private Orphans() {
    }

    /** One orphan: the object {@code ino} of PFS {@code pfs}, kept in the name of {@code owner}. */
    public record Orphan(int pfs, long ino, String owner) {
    }

    static String key(int pfs, long ino) {
        return prefix(pfs) + HexFormat.of().toHexDigits(ino);
    }

    private static String prefix(int pfs) {
        return PREFIX + String.format("%05d", pfs) + "/";
    }

    /** Every orphan of the store, by PFS and object id. */
    public static List<Orphan> list(StoreReader r) {
        List<Orphan> out = new ArrayList<>();
        r.scanMeta(PREFIX, (k, v) -> {
            int slash = k.indexOf('/', PREFIX.length());
            out.add(new Orphan(Integer.parseInt(k.substring(PREFIX.length(), slash)),
                    HexFormat.fromHexDigitsToLong(k.substring(slash + 1)), new String(v, StandardCharsets.UTF_8)));
            return true;
        });
        return out;
    }

    /** Forgets the orphans of a PFS whose records are gone (pfs-destroy). */
    public static void forget(StoreWriter w, int pfs) {
        List<String> keys = new ArrayList<>();
        w.scanMeta(prefix(pfs), (k, v) -> keys.add(k));
        keys.forEach(w::deleteMeta);
    }
}
