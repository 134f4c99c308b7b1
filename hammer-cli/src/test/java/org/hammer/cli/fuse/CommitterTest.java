package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mount's writer on a store without any mount: acknowledged changes apply in their order. */
class CommitterTest {
    @TempDir
    Path dir;
    private Store store;
    private Committer committer;
    private Node file;

    @BeforeEach
    void makeStore() {
        store = Store.create(dir.resolve("s"), "T", Store.DEFAULT_MAX_SIZE);
        Pfses.format(store, "T");
        long ino = store.write(w -> new FsWriter(w, 0).mknod(FsReader.ROOT, "f", Inode.S_IFREG | 0644, 0, 0, 0));
        file = new Node(View.current(0), ino);
        committer = new Committer(store);
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
        Handles.Handle h = new Handles.Handle(file);
        byte[] data = new byte[4096];
        for (int i = 0; i < 10_000; i++) {
            long offset = (long) i * data.length;
            long stamp = 1_000_000_000L * (i + 1);
            committer.writeBehind(h, ctx -> ctx.writer(file.view()).write(file.ino(), offset, data, 0, data.length),
                    data.length);
            committer.write(ctx -> {
                ctx.writer(file.view()).utimens(file.ino(), stamp, stamp);
                return null;
            }, 0);
            Inode after = committer.readData(file, ctx -> ctx.getattr(file));
            assertThat(after.mtimeNs()).as("mtime after write %d", i).isEqualTo(stamp);
            assertThat(after.size()).isEqualTo(offset + data.length);
        }
        assertThat(committer.drain(h)).isNull();
    }
}
