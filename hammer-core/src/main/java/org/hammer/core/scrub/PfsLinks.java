package org.hammer.core.scrub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.AsOfName;
import org.hammer.core.store.StoreReader;
import org.hammer.core.tid.Tid;

/**
 * The PFS links of a store: live symbolic links in PFS #0 whose target is {@code @@PFS%05d}, the
 * text pfs-master and pfs-slave give them ({@code Pfses.linkText}). Found by reading the header
 * of every record of PFS #0, and the data of its live SYMLINK records.
 */
final class PfsLinks {

    /** One link: the SYMLINK record and the PFS its text names. */
    record Link(RecordKey key, int pfs) {
    }

    private PfsLinks() {
    }

    static List<Link> scan(StoreReader r) {
        List<Link> links = new ArrayList<>();
        FsReader root = new FsReader(r, 0, Tid.MAX);
        RecordScan.scan(r, RecordScan.first(0), RecordScan.last(0), false, rec -> {
            if (rec.key().type() == RecordType.SYMLINK && rec.deleteTid() == 0) {
                try {
                    Record full = r.get(rec.key());
                    int pfs = AsOfName.linkedPfs(new String(full.data(), StandardCharsets.UTF_8));
                    if (pfs >= 0 && root.exists(rec.key().obj())) {
                        links.add(new Link(rec.key(), pfs));
                    }
                } catch (RuntimeException damaged) {
                    // reported by the store check
                }
            }
            return true;
        });
        return links;
    }
}
