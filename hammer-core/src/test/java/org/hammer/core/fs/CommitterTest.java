package org.hammer.core.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.hammer.core.btree.Inode;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-back engine on a store without any front end: acknowledged changes apply in their order. */
class CommitterTest {
    /** What the tasks of these tests see: the snapshot or transaction, and its writer of PFS #0. */
    record Ctx(StoreReader r, Committer.Txn txn) {
        FsWriter writer() {
            return txn.writer(0);
        }

        Inode getattr(long ino) {
            return new FsReader(r, 0, Long.MAX_VALUE).getattr(ino);
        }
    }

    @TempDir
    Path dir;
    private Store store;
    private Committer<Ctx> committer;
    private long file;

    @BeforeEach
    void makeStore() {
        store = Store.create(dir.resolve("s"), "T", Store.DEFAULT_MAX_SIZE);
        Pfses.format(store, "T");
        file = store.write(w -> new FsWriter(w, 0).mknod(FsReader.ROOT, "f", Inode.S_IFREG | 0644, 0, 0, 0));
        committer = Committer.builder(store, Ctx::new).firstWrite(Pfses::writer).start();
    }

    @AfterEach
    void close() {
        committer.close();
        store.close();
    }

    /**
     * tar's pattern: write a file through its handle, then set its times. The write is queued and
     * acknowledged; the times are set at once in the open transaction unless a change precedes
     * them — including one the writer thread has taken off the queue and not yet run, which
     * would otherwise stamp the file with the time of the write.
     */
    @Test
    void timesSetAfterAWrittenBackWriteAreTheLastWord() {
        WriteHandle h = new WriteHandle(file);
        byte[] data = new byte[4096];
        for (int i = 0; i < 10_000; i++) {
            long offset = (long) i * data.length;
            long stamp = 1_000_000_000L * (i + 1);
            committer.writeBehind(h, ctx -> ctx.writer().write(file, offset, data, 0, data.length), data.length);
            committer.write(ctx -> {
                ctx.writer().utimens(file, stamp, stamp);
                return null;
            }, 0);
            Inode after = committer.readData(file, ctx -> ctx.getattr(file));
            assertThat(after.mtimeNs()).as("mtime after write %d", i).isEqualTo(stamp);
            assertThat(after.size()).isEqualTo(offset + data.length);
        }
        assertThat(committer.drain(h)).isNull();
    }
}
