package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.hammer.fixtures.TreeGenerator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real tree imported into a master with cpdup, mirrored, changed (edits, renames, deletes, hard
 * links, xattrs), imported and mirrored again: the slave equals the master and the incremental
 * mirror sends only about the size of the change.
 */
class MirrorTreeIT {
    @TempDir
    Path tmp;
    CliRunner hammer = CliRunner.create();

    @Test
    void treeMirroredChangedAndMirroredAgainSendsOnlyTheChange() throws Exception {
        run(4000);
    }

    @Test
    @Tag("slow")
    void fiftyThousandFileTree() throws Exception {
        run(50_000);
    }

    void run(int files) throws Exception {
        long seed = Long.getLong("tree.seed", System.nanoTime());
        System.out.println("MirrorTreeIT seed=" + seed + " files=" + files);
        TreeGenerator gen = new TreeGenerator(seed);
        Path src = tmp.resolve("src");
        List<Path> paths = gen.generate(src, files);
        MirrorIT.ok(hammer.run("newfs", tmp.resolve("a").toString()));
        MirrorIT.ok(hammer.run("newfs", tmp.resolve("b").toString()));
        String master = tmp.resolve("a/pfs/tree").toString();
        String slave = tmp.resolve("b/pfs/tree").toString();
        MirrorIT.ok(hammer.run("pfs-master", master));
        MirrorIT.ok(hammer.run("cpdup", "-q", src.toString(), master));
        CliResult first = MirrorIT.ok(hammer.run("mirror-copy", "-y", master, slave));
        long full = sentBytes(first);
        MirrorIT.ok(hammer.run("mirror-verify", master, slave));

        int changed = gen.change(paths, 25);
        MirrorIT.ok(hammer.run("cpdup", "-q", src.toString(), master));
        CliResult second = MirrorIT.ok(hammer.run("mirror-copy", master, slave));
        long incremental = sentBytes(second);
        System.out.printf("MirrorTreeIT files=%d full=%d bytes incremental=%d bytes after %d changes%n", files, full,
                incremental, changed);
        MirrorIT.ok(hammer.run("mirror-verify", master, slave));
        assertThat(incremental).isLessThan(full / 20).isLessThan(2L << 20);

        Path out = tmp.resolve("out");
        MirrorIT.ok(hammer.run("cpdup", "-q", slave, out.toString()));
        Process diff = new ProcessBuilder("diff", "-r", "--no-dereference", src.toString(), out.toString())
                .redirectErrorStream(true).start();
        String d = new String(diff.getInputStream().readAllBytes());
        assertThat(MirrorIT.waitFor(diff)).as(d).isZero();
    }

    static long sentBytes(CliResult r) {
        return Long.parseLong(r.stderr().replaceAll("(?s).* records, (\\d+) bytes.*", "$1"));
    }
}
