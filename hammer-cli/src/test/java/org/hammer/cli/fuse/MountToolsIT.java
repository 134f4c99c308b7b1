package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hammer.cli.fuse.MountHarness.ok;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Everyday tools on a mount end exactly as on a local directory: each workload runs in
 * {@code local/} and in {@code mnt/}, then the two trees must agree byte for byte and in their
 * metadata (type, mode, size, mtime in ns, link target, link count).
 *
 * <pre>
 * src/                 made once, locally
 * ├── a/f1..f40        random data, 1..40 KB (f3 mode 600), all dated 2001 (f4 2002)
 * ├── a/b/big          1.5 MB (crosses the 1 MiB small/large block boundary)
 * ├── c/hard           a hard link to a/f2
 * ├── link -> a/f1
 * └── empty/
 * </pre>
 */
@Tag("fuse")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MountToolsIT {
    private static final String GIT_ENV = "export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t "
            + "GIT_COMMITTER_EMAIL=t@t GIT_AUTHOR_DATE='2001-01-01T00:00:00Z' "
            + "GIT_COMMITTER_DATE='2001-01-01T00:00:00Z' HOME=/tmp; ";
    /** Everything but directory sizes, which differ between filesystems. */
    private static final String META = "find . -mindepth 1 \\( -type d -printf '%P %y %m %T@\\n' \\) -o "
            + "\\( ! -type d -printf '%P %y %m %s %T@ %l %n\\n' \\) | sort";

    private MountHarness h;
    private Path local;
    private Path mnt;

    @BeforeAll
    void mountAndMakeASourceTree() throws IOException {
        assumeTrue(MountHarness.available(), "needs root, /dev/fuse and fusermount");
        h = new MountHarness();
        mnt = h.mount(h.store("disk.hammer").toString(), h.dir("mnt"));
        local = h.dir("local");
        ok(h.dir, "mkdir -p src/a/b src/c src/empty && for i in $(seq 1 40); do "
                + "head -c $((i * 1009)) /dev/urandom > src/a/f$i; done && head -c 1572864 /dev/urandom > src/a/b/big"
                + " && ln -s a/f1 src/link && ln src/a/f2 src/c/hard && chmod 600 src/a/f3"
                + " && find src -exec touch -h -d '2001-02-03 04:05:06.123456789' {} +"
                + " && touch -d '2002-02-03 04:05:06.5' src/a/f4 src/empty && tar cf src.tar -C src .");
    }

    @AfterAll
    void unmount() throws IOException {
        if (h != null) {
            h.close();
        }
    }

    /** Runs {@code script} with $T set to the local and then the mounted directory; both must agree. */
    private void sameOnBoth(String name, String script) {
        sameOnBoth(name, script, true);
    }

    private void sameOnBoth(String name, String script, boolean metadata) {
        for (Path base : new Path[] {local, mnt}) {
            ok(h.dir, "export T='" + base.resolve(name) + "' S='" + h.dir.resolve("src") + "' TAR='"
                    + h.dir.resolve("src.tar") + "'; mkdir -p \"$T\"; " + script);
        }
        assertThat(ok(h.dir, "diff -r --no-dereference local/" + name + " mnt/" + name + " && echo same"))
                .isEqualTo("same\n");
        if (metadata) {
            assertThat(ok(mnt.resolve(name), META)).isEqualTo(ok(local.resolve(name), META));
        }
    }

    @Test
    void tarExtractsTheSameTree() {
        sameOnBoth("tar", "tar xpf \"$TAR\" -C \"$T\"");
    }

    @Test
    void rsyncCopiesTheSameTree() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/rsync")), "needs rsync");
        sameOnBoth("rsync", "rsync -aH \"$S/\" \"$T/\" && echo changed >> \"$T/a/f5\" && rsync -aH \"$S/\" \"$T/\"");
    }

    @Test
    void cpArchivesTheSameTree() {
        sameOnBoth("cp", "cp -a \"$S/.\" \"$T/\"");
    }

    @Test
    void gitCommitsCloneAndFsckClean() {
        String work = GIT_ENV + "cd \"$T\" && git init -q repo && cd repo && for i in 1 2 3 4 5; do "
                + "echo line $i >> file && cp -r \"$S/a\" dir$i && git add -A && git commit -q -m c$i; done "
                + "&& git mv file moved && git commit -q -m mv && git gc -q && git fsck --strict "
                + "&& cd .. && git clone -q repo clone && git -C clone fsck --strict "
                + "&& git -C clone log --format=%H > log";
        // Checkouts stamp files with the time of the run: compare content and commit ids only.
        sameOnBoth("git", work + " && rm -rf repo/.git clone/.git", false);
    }

    @Test
    void anEditorSaveByRenameReplacesTheFile() {
        sameOnBoth("editor", "cd \"$T\" && printf 'v1\\n' > doc && touch -d '2001-01-01' doc && "
                + "printf 'v2\\n' > .doc.swp && sync .doc.swp && mv .doc.swp doc && touch -d '2002-02-02' doc . ");
    }
}
