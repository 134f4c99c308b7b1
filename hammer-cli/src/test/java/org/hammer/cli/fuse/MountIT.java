package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hammer.cli.fuse.MountHarness.ok;
import static org.hammer.cli.fuse.MountHarness.sh;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.Committer;
import org.hammer.core.fs.Orphans;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreReader;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real FUSE mounts through the real launcher: POSIX behaviour with the errno of each failure,
 * PFS links and read-only views, and a store left openable by a killed daemon.
 *
 * <pre>
 * store (PFS #0)       mounted once at mnt/, each test in mnt/&lt;test name&gt;/
 * ├── m  -> @@PFS00001  a master: reads as @@-1:00001
 * ├── s  -> @@PFS00002  a slave with no root yet: reads as @@0x0000000000000001:00002
 * └── dm -> @@PFS00003  a master that one test downgrades under the mount
 * </pre>
 */
@Tag("fuse")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MountIT {
    private MountHarness h;
    private Path store;
    private Path mnt;

    private Path root;

    @BeforeAll
    void mountPfs0() throws IOException {
        assumeTrue(MountHarness.available(), "needs root, /dev/fuse and fusermount");
        h = new MountHarness();
        store = h.store("disk.hammer", "m", PfsMode.MASTER, "s", PfsMode.SLAVE, "dm", PfsMode.MASTER);
        root = h.mount(store.toString(), h.dir("mnt"));
    }

    /** Each test works in a directory of its own inside the one mount. */
    @BeforeEach
    void freshDirectory(TestInfo test) throws IOException {
        mnt = Files.createDirectory(root.resolve(test.getTestMethod().orElseThrow().getName()));
    }

    @AfterAll
    void unmount() throws IOException {
        if (h != null) {
            h.close();
        }
    }

    /** The errno name each Python statement fails with in {@code cwd} ("OK" if none), run in order. */
    private static List<String> errnos(Path cwd, String... statements) throws IOException {
        Path script = Files.createTempFile("errnos", ".py");
        StringBuilder b = new StringBuilder("import os, errno\n");
        for (String st : statements) {
            b.append("try:\n    ").append(st).append("\n    print('OK')\n")
                    .append("except OSError as e:\n    print(errno.errorcode[e.errno])\n");
        }
        Files.writeString(script, b);
        try {
            return List.of(ok(cwd, "python3 " + script).split("\n"));
        } finally {
            Files.delete(script);
        }
    }

    /**
     * A write from outside a file's group drops its set-group-id bit (with group execute), where
     * the kernel does not see: the mount tells it, and the kernel stops showing the bit at once
     * ({@code stat -c %a} asks for the mode alone, which a write does not make the kernel fetch).
     */
    @Test
    void aSetGroupIdBitAWriteDropsIsGoneFromTheKernelsViewAtOnce() {
        assertThat(ok(mnt, "echo x > f && chmod 2777 f && stat -c %a f")).isEqualTo("2777\n");
        ok(mnt, "setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo y >> f'");
        assertThat(ok(mnt, "stat -c %a f")).isEqualTo("777\n");
    }

    /**
     * An access ACL of only the owner, group and other entries is the mode, as a local disk stores
     * it (cp -a sets modes that way): set at once, for the kernel's permission checks too; only
     * the owner sets it; any other ACL is refused, and tools fall back to chmod. Reading one is
     * refused too, as on a local disk without ACLs: tools take the mode for it.
     */
    @Test
    void anAccessAclThatAModeSaysAllOfSetsTheMode() throws IOException {
        ok(mnt, "echo x > f && chmod 600 f && echo y > g && chown 65534:65534 g && mkdir d");
        String acl = "bytes.fromhex('02000000' '01000600ffffffff' '04000400ffffffff' '20000400ffffffff')";
        String named = "bytes.fromhex('02000000' '01000600ffffffff' '02000400e8030000' "
                + "'04000400ffffffff' '10000400ffffffff' '20000400ffffffff')";
        String asNobody = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
        assertThat(sh(mnt, asNobody + "cat f").code()).as("0600, root's").isNotZero(); // the kernel now holds 0600
        assertThat(errnos(mnt,
                "os.setxattr('f', 'system.posix_acl_access', " + acl + ")",
                "os.setxattr('f', 'system.posix_acl_access', " + named + ")",
                "os.setxattr('d', 'system.posix_acl_default', " + acl + ")",
                "os.getxattr('f', 'system.posix_acl_access')",
                "os.removexattr('d', 'system.posix_acl_default')"))
                .as("ENOTSUP is EOPNOTSUPP; no ACL is stored, nor read back; removing none succeeds, as on a local disk")
                .containsExactly("OK", "ENOTSUP", "ENOTSUP", "ENOTSUP", "OK");
        assertThat(ok(mnt, "stat -c %a f")).isEqualTo("644\n");
        assertThat(ok(mnt, asNobody + "cat f")).as("readable by others at once").isEqualTo("x\n");

        Path script = Files.writeString(h.dir.resolve("acl.py"), "import os, errno\n"
                + "for f in ('f', 'g'):\n"
                + "    try:\n        os.setxattr(f, 'system.posix_acl_access', " + acl.replace("0600", "0700") + ")\n"
                + "        print('OK')\n"
                + "    except OSError as e:\n        print(errno.errorcode[e.errno])\n");
        assertThat(ok(mnt, asNobody + "/usr/bin/python3 " + script)).isEqualTo("EPERM\nOK\n");
        assertThat(ok(mnt, "stat -c %a f g")).isEqualTo("644\n744\n");
    }

    @Test
    void filesAndDirectoriesFailWithTheErrnoOfALocalDisk() throws IOException {
        Path d = Files.createDirectory(mnt.resolve("d"));
        Path f = Files.writeString(d.resolve("f"), "hello\n");
        ok(mnt, "mkdir e n n/m o p && touch e/x n/m/x");

        assertThat(Files.readString(f)).isEqualTo("hello\n");
        assertThat(errnos(mnt,
                "os.stat('d/missing')",
                "os.mkdir('d')",
                "os.open('d/f', os.O_CREAT | os.O_EXCL | os.O_WRONLY)",
                "os.rmdir('d')",
                "os.open('d', os.O_WRONLY)",
                "os.rmdir('d/f')",
                "os.open('d/f/x', os.O_CREAT | os.O_WRONLY)",
                "os.rename('o', 'e/x')",
                "os.rename('e/x', 'o')",
                "os.rename('p', 'n')",
                "os.rename('n', 'n/m/inside')",
                "os.rename('o', 'p')",
                "os.link('d', 'hard')",
                "os.link('d/f', 'e/x')",
                "os.readlink('d/f')",
                "os.getxattr('d/f', 'user.none')",
                "os.open('x' * 256, os.O_CREAT | os.O_WRONLY)",
                "os.unlink('d')")).containsExactly(
                "ENOENT", "EEXIST", "EEXIST", "ENOTEMPTY", "EISDIR", "ENOTDIR", "ENOTDIR", "ENOTDIR", "EISDIR",
                "ENOTEMPTY", "EINVAL", "OK", "EPERM", "EEXIST", "EINVAL", "ENODATA", "ENAMETOOLONG", "EISDIR");
    }

    @Test
    void renameReplacesAtomicallyAndLinksCountTheirNames() throws IOException {
        Path a = Files.writeString(mnt.resolve("a"), "new");
        Files.createDirectories(mnt.resolve("x/y"));
        Files.writeString(mnt.resolve("x/y/b"), "old");

        Files.move(a, mnt.resolve("x/y/b"), StandardCopyOption.ATOMIC_MOVE);
        assertThat(Files.readString(mnt.resolve("x/y/b"))).isEqualTo("new");
        assertThat(Files.exists(a)).isFalse();

        Path c = Files.createLink(mnt.resolve("c"), mnt.resolve("x/y/b"));
        assertThat(Files.getAttribute(c, "unix:nlink")).isEqualTo(2);
        assertThat(Files.getAttribute(c, "unix:ino")).isEqualTo(Files.getAttribute(mnt.resolve("x/y/b"), "unix:ino"));
        Files.writeString(c, "shared");
        assertThat(Files.readString(mnt.resolve("x/y/b"))).isEqualTo("shared");
        Files.delete(mnt.resolve("x/y/b"));
        assertThat(Files.getAttribute(c, "unix:nlink")).isEqualTo(1);
        assertThat(Files.readString(c)).isEqualTo("shared");
        assertThat(Files.getAttribute(mnt.resolve("x"), "unix:nlink")).isEqualTo(3);
    }

    /** Written-back data: every read, stat and truncate after a write sees it, through any name. */
    @Test
    void whatIsWrittenIsReadBackAtOnceThroughEveryPath() throws IOException {
        String out = ok(mnt, "/usr/bin/python3 - <<'EOF'\n"
                + "import os\n"
                + "chunk = 100000\n"
                + "fd = os.open('f', os.O_CREAT | os.O_WRONLY, 0o644)\n"
                + "os.link('f', 'g')\n"
                + "for i in range(300):\n"
                + "    data = bytes([i % 251]) * chunk\n"
                + "    os.write(fd, data)\n"
                + "    name = 'fg'[i % 2]\n"
                + "    assert os.stat(name).st_size == (i + 1) * chunk, (i, os.stat(name).st_size)\n"
                + "    assert os.fstat(fd).st_size == (i + 1) * chunk, i\n"
                + "    with open(name, 'rb') as r:\n"
                + "        r.seek(i * chunk)\n"
                + "        assert r.read() == data, i\n"
                + "    if i % 50 == 49:\n"
                + "        os.ftruncate(fd, (i + 1) * chunk - 7)\n"
                + "        assert os.stat('g').st_size == (i + 1) * chunk - 7, i\n"
                + "        os.lseek(fd, 0, os.SEEK_END)\n"
                + "        os.write(fd, data[:7])\n"
                + "os.close(fd)\n"
                + "print('checked', os.stat('f').st_size)\n"
                + "EOF");
        assertThat(out.trim()).isEqualTo("checked 30000000");
    }

    /**
     * hard_remove: an open file unlinked, or renamed over, loses its name at once (no
     * {@code .fuse_hidden*} is left), its directory can be removed, and it lives on through its
     * handle as an orphan, which closing the handle reclaims.
     */
    @Test
    void anUnlinkedOpenFileLeavesNoHiddenNameAndLivesOnThroughItsHandle() throws IOException {
        Files.createDirectory(mnt.resolve("d"));
        Files.writeString(mnt.resolve("d/f"), "still here");
        Files.writeString(mnt.resolve("g"), "replaced");
        long f = (Long) Files.getAttribute(mnt.resolve("d/f"), "unix:ino");
        long g = (Long) Files.getAttribute(mnt.resolve("g"), "unix:ino");

        String out = ok(mnt, "/usr/bin/python3 - <<'EOF'\n"
                + "import os\n"
                + "fd = os.open('d/f', os.O_RDWR)\n"
                + "gd = os.open('g', os.O_RDONLY)\n"
                + "os.unlink('d/f')\n"
                + "print(os.listdir('d'))\n"
                + "os.rmdir('d')\n"
                + "st = os.fstat(fd)\n"
                + "print(st.st_nlink, st.st_size)\n"
                + "print(os.pread(fd, 100, 0).decode())\n"
                + "os.pwrite(fd, b' and more', 10)\n"
                + "os.ftruncate(fd, 18)\n"
                + "os.fsync(fd)\n"
                + "print(os.pread(fd, 100, 0).decode(), os.fstat(fd).st_size)\n"
                + "with open('h', 'w') as h:\n"
                + "    h.write('new')\n"
                + "os.rename('h', 'g')\n"
                + "print(os.pread(gd, 100, 0).decode(), os.fstat(gd).st_nlink, open('g').read())\n"
                + "print(sorted(os.listdir('.')))\n"
                + "os.close(fd)\n"
                + "os.close(gd)\n"
                + "EOF");

        assertThat(out).isEqualTo("[]\n0 10\nstill here\nstill here and mor 18\nreplaced 0 new\n['g']\n");
        for (int i = 0; i < 200 && !reclaimed(f, g); i++) {
            MountHarness.sleep(25); // the kernel releases a closed file's handle after close returns
        }
        assertThat(reclaimed(f, g)).as("closing the last handle reclaims an orphan's records").isTrue();
    }

    /** True when neither object has a live record left nor is listed as an orphan. */
    private boolean reclaimed(long... objects) {
        try (Store s = Store.open(store)) {
            return s.read(r -> {
                boolean none = Orphans.list(r).isEmpty();
                for (long obj : objects) {
                    none &= liveRecords(r, 0, obj).isEmpty();
                }
                return none;
            });
        }
    }

    /** The keys of the records of object {@code obj} of PFS {@code pfs} visible now. */
    static List<RecordKey> liveRecords(StoreReader r, int pfs, long obj) {
        List<RecordKey> out = new ArrayList<>();
        r.scan(new RecordKey(pfs, obj, RecordType.INODE, 0, 0), new RecordKey(pfs, obj + 1, RecordType.INODE, 0, 0),
                false, rec -> {
                    if (rec.visibleAt(Tid.MAX)) {
                        out.add(rec.key());
                    }
                    return true;
                });
        return out;
    }

    @Test
    void attributesTimesXattrsSymlinksAndFifosAreKept() throws IOException {
        Path f = Files.writeString(mnt.resolve("f"), "0123456789");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        ok(mnt, "truncate -s 4 f && chown 65534:65534 f && touch -d '2001-02-03 04:05:06.123456789' f");
        ok(mnt, "ln -s target sym && mkfifo fifo && mknod -m 600 sock p");
        Files.setAttribute(f, "user:note", StandardCharsets.UTF_8.encode("v1"));

        assertThat(ok(mnt, "stat -c '%A %u %g %s %y' f").trim())
                .isEqualTo("-rw-r----- 65534 65534 4 2001-02-03 04:05:06.123456789 +0000");
        assertThat(Files.readString(f)).isEqualTo("0123");
        assertThat(Files.readSymbolicLink(mnt.resolve("sym"))).hasToString("target");
        assertThat(ok(mnt, "stat -c %F fifo sock")).isEqualTo("fifo\nfifo\n");
        assertThat(ok(mnt, "getfattr -n user.note --only-values f 2>/dev/null || "
                + "python3 -c \"import os;print(os.getxattr('f','user.note').decode(),end='')\"")).isEqualTo("v1");
        assertThat(ok(mnt, "python3 -c \"import os;print(os.listxattr('f'))\"")).contains("user.note");
        ok(mnt, "python3 -c \"import os;os.removexattr('f','user.note')\"");
        assertThat(sh(mnt, "python3 -c \"import os;os.getxattr('f','user.note')\"").out()).contains("No data");
        assertThat(ok(mnt, "df -P . | tail -1")).contains(root.toString());
    }

    @Test
    void aNonRootUserIsCheckedAgainstTheModes() throws IOException {
        Files.createDirectory(mnt.resolve("root-only"));
        Files.createDirectory(mnt.resolve("open"));
        ok(mnt, "chmod 777 open");

        assertThat(sh(mnt, "setpriv --reuid=65534 --regid=65534 --clear-groups touch root-only/x").out())
                .contains("Permission denied");
        ok(mnt, "setpriv --reuid=65534 --regid=65534 --clear-groups touch open/x");
        assertThat(ok(mnt, "stat -c '%u %g' open/x").trim()).isEqualTo("65534 65534");
        assertThat(sh(mnt, "setpriv --reuid=65534 --regid=65534 --clear-groups chmod 777 root-only").out())
                .contains("Operation not permitted");
    }

    @Test
    void pfsLinksLeadIntoMastersAndSlavesAreReadOnly() throws IOException {
        assertThat(Files.readSymbolicLink(root.resolve("m"))).hasToString("@@-1:00001");
        assertThat(Files.readSymbolicLink(root.resolve("s"))).hasToString("@@0x0000000000000001:00002");
        assertThat(ok(root, "stat -c %s s").trim()).isEqualTo("26");

        Files.writeString(root.resolve("m/file"), "in the master");
        assertThat(Files.readString(mnt.resolve("@@-1:00001/file"))).as("any directory leads into a PFS")
                .isEqualTo("in the master");
        assertThat(ok(root, "ls -A s/")).isEmpty();
        assertThat(sh(root, "touch s/x").out()).contains("Read-only file system");

        Path m2 = h.mount(root.resolve("m").toString(), h.dir("m2"));
        assertThat(Files.readString(m2.resolve("file"))).isEqualTo("in the master");
        Files.writeString(m2.resolve("second"), "via the PFS mount");
        ok(h.dir, "sync m2/second");
        assertThat(Files.readString(root.resolve("m/second"))).isEqualTo("via the PFS mount");
        assertThat(h.umount(m2).ok()).isTrue();
    }

    @Test
    void aDowngradedMasterTurnsReadOnlyWithoutARemount() throws IOException {
        Files.writeString(root.resolve("dm/file"), "before");
        ok(root, "sync dm/file");
        long end = h.downgrade(store, 3).syncEndTid();

        String link = String.format("@@0x%016x:00003", end);
        assertThat(Files.readSymbolicLink(root.resolve("dm"))).hasToString(link);
        assertThat(Files.readString(root.resolve("dm/file"))).isEqualTo("before");
        assertThat(sh(root, "echo after > dm/file").out()).contains("Read-only file system");
        assertThat(sh(mnt, "touch @@-1:00003/x").out()).contains("Read-only file system");
    }

    @Test
    void asOfNamesShowOlderStatesReadOnly() throws IOException {
        Path f = Files.writeString(mnt.resolve("f"), "one");
        ok(mnt, "sync f");
        MountHarness.sleep(Committer.MAX_DELAY_MS * 3);
        String tid = String.format("0x%016x", lastTid());
        Files.writeString(f, "two");
        ok(mnt, "sync f");

        assertThat(Files.readString(mnt.resolve("f@@" + tid))).isEqualTo("one");
        assertThat(Files.readString(mnt.resolve("@@" + tid + "/f"))).isEqualTo("one");
        assertThat(Files.readString(f)).isEqualTo("two");
        assertThat(sh(mnt, "echo three > 'f@@" + tid + "'").out()).contains("Read-only file system");
        assertThat(ok(mnt, "cat \"f@@0x0000000000000002\" 2>&1; true")).contains("No such file");
    }

    private long lastTid() {
        try (Store s = Store.open(store)) {
            return s.lastTid();
        }
    }

}
