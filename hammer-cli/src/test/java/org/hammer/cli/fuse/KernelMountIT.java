package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hammer.cli.fuse.MountHarness.ok;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hammer.cli.MetricsEndpoint;
import org.hammer.core.pfs.PfsMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The mount served on the FUSE kernel protocol ({@code -o backend=kernel}): a real mount of a
 * store, the POSIX calls tools make, one kernel inode per hard-linked file, and attributes the
 * kernel keeps instead of asking for them again.
 *
 * <pre>
 * disk.hammer   a store (PFS #0), mounted on mnt/ with -o backend=kernel
 * mnt/...       made by each test
 * </pre>
 */
@Tag("fuse")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KernelMountIT {
    private MountHarness h;

    @BeforeEach
    void harness() throws IOException {
        assumeTrue(MountHarness.available(), "needs root, /dev/fuse and fusermount");
        h = new MountHarness();
    }

    @AfterEach
    void close() throws IOException {
        if (h != null) {
            h.close();
        }
    }

    private Path mount(String... options) {
        return mount(h.store("disk.hammer"), options);
    }

    private Path mount(Path store, String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "-o";
        args[1] = "backend=kernel";
        System.arraycopy(options, 0, args, 2, options.length);
        return h.mount(store.toString(), h.dir("mnt"), args);
    }

    @Test
    void theDaemonMountsWithoutLibfuse() throws IOException {
        Path mnt = mount();
        long pid = h.daemonPid(mnt);
        assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "maps"))).as("libfuse is not loaded")
                .doesNotContain("libfuse");
        assertThat(Files.readAllLines(Path.of("/proc/self/mounts")))
                .anyMatch(l -> l.contains(" " + mnt + " fuse.hammer ") && l.contains("default_permissions")
                        && l.contains("allow_other"));
        assertThat(h.umount(mnt).exitCode()).isZero();
        assertThat(Files.readAllLines(Path.of("/proc/self/mounts"))).noneMatch(l -> l.contains(" " + mnt + " "));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!MountHarness.gone(pid) && System.nanoTime() < deadline) {
            MountHarness.sleep(50);
        }
        assertThat(MountHarness.gone(pid)).as("the daemon exits once unmounted").isTrue();
    }

    @Test
    void fusermount3MountsForAUserWithoutTheRightTo() throws IOException {
        Path store = h.store("disk.hammer");
        Path mnt = h.dir("mnt");
        org.hammer.fixtures.CliRunner viaTool = h.hammer.withEnv("HAMMER_MOUNT_JAVA_OPTS",
                "-Dhammer.fuse.fusermount=true");
        try {
            var r = viaTool.run("mount", "-o", "backend=kernel", store.toString(), mnt.toString());
            assertThat(r.exitCode()).as(r + h.log(mnt)).isZero();
            assertThat(h.log(mnt)).contains(mnt + ": mounted through fusermount3");
            assertThat(ok(h.dir, "echo via-fusermount > mnt/f && cat mnt/f")).isEqualTo("via-fusermount\n");
            assertThat(h.umount(mnt).exitCode()).isZero();
        } finally {
            MountHarness.sh(h.dir, "fusermount3 -uz mnt 2>/dev/null");
        }
        h.mount(store.toString(), mnt, "-o", "backend=kernel");
        assertThat(Files.readString(mnt.resolve("f"))).isEqualTo("via-fusermount\n");
    }

    /**
     * A user without privileges mounts for real: the daemon runs as 65534 and mounts through the
     * setuid fusermount3, without allow_other (fuse.conf has no user_allow_other here). This
     * machine's /dev/fuse is root's alone (0600, where distributions make it 0666), so the test
     * runs in a mount namespace of its own with a 0666 node of the same device bound over it;
     * nothing outside the test changes.
     */
    @Test
    void aUserWithoutPrivilegesMountsWritesReadsAndUnmounts() throws IOException {
        assumeTrue(MountHarness.sh(h.dir, "command -v unshare setpriv").code() == 0, "needs unshare and setpriv");
        String hammer = h.hammer.launcher().toString();
        assumeTrue(MountHarness.sh(h.dir, "setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp "
                + hammer + " --version").code() == 0,
                "the build is out of reach of user 65534 (a checkout in a directory only its owner may enter)");
        Path store = h.store("user.hammer");
        Path prep = h.dir("prep");
        h.mount(store.toString(), prep);
        ok(h.dir, "mkdir prep/home && chown 65534:65534 prep/home");
        assertThat(h.umount(prep).exitCode()).isZero();
        Path user = h.dir("user");
        Files.createDirectories(user.resolve("mnt"));
        Files.createDirectories(user.resolve("run"));
        ok(h.dir, "mknod -m 666 user/fuse c 10 229 && chown -R 65534:65534 user.hammer user");
        String as = "setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=" + user + " HAMMER_RUN_DIR=" + user
                + "/run ";
        MountHarness.Sh r = MountHarness.sh(user, "unshare -m --propagation private bash -c '"
                + "set -e; mount --bind " + user + "/fuse /dev/fuse; trap \"fusermount3 -uz mnt 2>/dev/null || true\" EXIT; "
                + as + hammer + " mount -o backend=kernel " + store + " mnt; "
                + "grep \" " + user + "/mnt fuse.hammer \" /proc/self/mounts | grep -o user_id=65534; "
                + as + "bash -c \"echo from-65534 > mnt/home/f && cat mnt/home/f && stat -c %u:%g mnt/home/f\"; "
                + "if ls mnt >/dev/null 2>&1; then echo root-sees-it; else echo root-kept-out; fi; "
                + as + hammer + " umount mnt; "
                + "if grep -q \" " + user + "/mnt \" /proc/self/mounts; then echo still-mounted; else echo unmounted; fi'");
        assertThat(r.code()).as(r.out() + MountHarness.sh(user, "cat run/*.log").out()).isZero();
        assertThat(r.out()).isEqualTo("user_id=65534\nfrom-65534\n65534:65534\nroot-kept-out\nunmounted\n");
        h.mount(store.toString(), prep);
        assertThat(Files.readString(prep.resolve("home/f"))).isEqualTo("from-65534\n");
    }

    @Test
    void posixCallsWorkThroughTheKernelProtocol() {
        mount();
        String out = ok(h.dir, String.join(" && ",
                "cd mnt",
                "echo hello > f && cat f",
                "mkdir -p d/e && mv f d/e/g && test ! -e f && cat d/e/g",
                "ln -s e/g d/s && readlink d/s && cat d/s",
                "chmod 640 d/e/g && stat -c %a d/e/g",
                "printf abc | dd of=d/e/g bs=1 seek=10 conv=notrunc,fsync 2>/dev/null && stat -c %s d/e/g",
                "truncate -s 3 d/e/g && cat d/e/g && echo",
                "ls -a d | tr '\\n' ' ' && echo",
                "rm d/s && rmdir d/e 2>/dev/null || echo not-empty",
                "rm d/e/g && rmdir d/e d && ls -A | wc -l",
                "python3 -c \"import os; fd=os.open('x', os.O_CREAT|os.O_WRONLY, 0o600); os.write(fd, b'12345');"
                        + " os.fsync(fd); os.close(fd); print(os.stat('x').st_size, oct(os.stat('x').st_mode & 0o777))\"",
                "python3 -c \"import os; fd=os.open('x', os.O_WRONLY|os.O_TRUNC); os.close(fd); print(os.stat('x').st_size)\""));
        assertThat(out).isEqualTo("hello\nhello\ne/g\nhello\n640\n13\nhel\n. .. e s \nnot-empty\n0\n5 0o600\n0\n");
    }

    @Test
    void aHardLinkedFileIsOneInodeSeenThroughEveryName() {
        mount();
        String out = ok(h.dir, "cd mnt && python3 -c \"\n"
                + "import os\n"
                + "open('a', 'w').write('x')\n"
                + "os.link('a', 'b')\n"
                + "print(os.stat('a').st_ino == os.stat('b').st_ino, os.stat('a').st_nlink)\n"
                + "with open('b', 'a') as f:\n"
                + "    f.write('more')\n"
                + "    f.flush()\n"
                + "    print(os.stat('a').st_size, os.stat('b').st_size)\n"
                + "os.chmod('a', 0o600)\n"
                + "print(oct(os.stat('b').st_mode & 0o777))\n"
                + "os.unlink('a')\n"
                + "print(os.stat('b').st_nlink, open('b').read())\n"
                + "\"");
        assertThat(out).isEqualTo("True 2\n5 5\n0o600\n1 xmore\n");
    }

    @Test
    void theKernelKeepsAttributesOfAMaster() throws IOException {
        int port = MetricsEndpoint.freePort();
        Path mnt = mount("--metrics", "127.0.0.1:" + port);
        ok(h.dir, "echo x > mnt/f && stat mnt/f > /dev/null");
        double before = getattrs(MetricsEndpoint.scrape(port), mnt);
        ok(h.dir, "for i in $(seq 200); do stat -c %s mnt/f; done > /dev/null");
        double after = getattrs(MetricsEndpoint.scrape(port), mnt);
        assertThat(after - before).as("GETATTRs for 200 stat calls").isLessThan(20);
    }

    /**
     * HANDLE_KILLPRIV_V2: the mount clears set-id bits itself, so the kernel no longer asks for
     * {@code security.capability} before each of a file's writes (it asked 200 times for 200).
     */
    @Test
    void writesDoNotEachAskForSecurityCapability() throws IOException {
        int port = MetricsEndpoint.freePort();
        Path mnt = mount("--metrics", "127.0.0.1:" + port);
        double before = count(MetricsEndpoint.scrape(port), mnt, "getxattr");
        ok(h.dir, "dd if=/dev/zero of=mnt/f bs=4096 count=200 status=none && test $(stat -c %s mnt/f) = 819200");
        double after = count(MetricsEndpoint.scrape(port), mnt, "getxattr");
        assertThat(after - before).as("GETXATTRs for 200 writes").isLessThan(20);
    }

    /**
     * A file made and written as {@code tar -x} and {@code cp} make one (opened to write alone,
     * three writes of 10 KiB, ending mid-page): each write is one WRITE, and the kernel does not
     * ask for {@code security.capability} before the first (the build before asked once per file
     * and split each write that began mid-page in two: 50 GETXATTRs and 100 WRITEs more).
     */
    @Test
    void aFileOpenedToWriteAloneCostsOneRequestPerWrite() throws IOException {
        int port = MetricsEndpoint.freePort();
        Path mnt = mount("--metrics", "127.0.0.1:" + port);
        ok(h.dir, "mkdir mnt/d");
        double xattrs = asked(port, mnt, "getxattr");
        double writes = asked(port, mnt, "write");
        assertThat(ok(h.dir, "python3 -c \"\n"
                + "import os\n"
                + "for i in range(50):\n"
                + "    fd = os.open('mnt/d/%d' % i, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)\n"
                + "    for j in range(3):\n"
                + "        os.write(fd, bytes([65 + j]) * 10240)\n"
                + "    os.close(fd)\n"
                + "print(sum(open('mnt/d/%d' % i, 'rb').read() == b'A' * 10240 + b'B' * 10240 + b'C' * 10240"
                + " for i in range(50)))\n"
                + "\"")).isEqualTo("50\n");
        assertThat(asked(port, mnt, "getxattr") - xattrs).as("GETXATTRs for 50 files written").isLessThan(10);
        assertThat(asked(port, mnt, "write") - writes).as("WRITEs for 150 writes").isEqualTo(150);
    }

    /**
     * A write drops the file's capabilities, as on a local disk: through a handle opened to write
     * alone (whose writes bypass the kernel's cache, so the mount drops them) and through one
     * opened to read and write (the kernel asks and drops them itself); and a capability set
     * while a file is open to write alone is dropped by its next write.
     */
    @Test
    void aWriteDropsTheFilesCapabilities() throws IOException {
        mount();
        assertThat(ok(h.dir, "python3 -c \"\n"
                + "import errno, os, struct\n"
                + "cap = struct.pack('<5I', 0x02000001, 1 << 13, 0, 0, 0)\n"
                + "for flags in (os.O_WRONLY, os.O_RDWR):\n"
                + "    open('mnt/f', 'w').write('x')\n"
                + "    os.setxattr('mnt/f', 'security.capability', cap)\n"
                + "    kept = os.getxattr('mnt/f', 'security.capability') == cap\n"
                + "    fd = os.open('mnt/f', flags | os.O_APPEND)\n"
                + "    os.write(fd, b'y')\n"
                + "    os.close(fd)\n"
                + "    try:\n"
                + "        os.getxattr('mnt/f', 'security.capability')\n"
                + "        print(kept, 'still there')\n"
                + "    except OSError as e:\n"
                + "        print(kept, errno.errorcode[e.errno], open('mnt/f').read())\n"
                + "    os.unlink('mnt/f')\n"
                + "fd = os.open('mnt/g', os.O_WRONLY | os.O_CREAT, 0o600)\n"
                + "os.write(fd, b'x')\n"
                + "os.setxattr('mnt/g', 'security.capability', cap)\n"
                + "os.write(fd, b'y')\n"
                + "os.close(fd)\n"
                + "print('security.capability' in os.listxattr('mnt/g'), open('mnt/g').read())\n"
                + "\"")).isEqualTo("True ENODATA xy\nTrue ENODATA xy\nFalse xy\n");
    }

    /**
     * A write that drops a capability may run on the engine's writer thread, behind other
     * written-back writes, and be committed only later: the file's attributes are read after it all
     * the same. Another process keeps the engine busy meanwhile, so that writes are queued.
     */
    @Test
    void aCapabilityDroppedBehindOtherWritesIsGoneWhenTheFileIsClosed() throws IOException {
        mount();
        assertThat(ok(h.dir, "python3 -c \"\n"
                + "import os, struct, threading\n"
                + "cap = struct.pack('<5I', 0x02000001, 1 << 13, 0, 0, 0)\n"
                + "done = threading.Event()\n"
                + "def busy():\n"
                + "    fd = os.open('mnt/busy', os.O_WRONLY | os.O_CREAT, 0o600)\n"
                + "    block = b'z' * (256 << 10)\n"
                + "    for i in range(16384):\n"
                + "        if done.is_set():\n"
                + "            break\n"
                + "        os.pwrite(fd, block, (i % 64) << 18)\n"
                + "    os.close(fd)\n"
                + "t = threading.Thread(target=busy)\n"
                + "t.start()\n"
                + "kept = 0\n"
                + "for i in range(20):\n"
                + "    open('mnt/f', 'w').write('x')\n"
                + "    os.setxattr('mnt/f', 'security.capability', cap)\n"
                + "    fd = os.open('mnt/f', os.O_WRONLY | os.O_APPEND)\n"
                + "    os.write(fd, b'y')\n"
                + "    os.close(fd)\n"
                + "    kept += 'security.capability' in os.listxattr('mnt/f')\n"
                + "done.set()\n"
                + "t.join()\n"
                + "print(kept, 'of 20 kept')\n"
                + "\"")).isEqualTo("0 of 20 kept\n");
    }

    /**
     * What one process has read stays true for it after another overwrites the same bytes
     * through a handle opened to write alone (which bypasses the kernel's cache): the reader's
     * next read, and a new open's, see the new bytes.
     */
    @Test
    void aReaderSeesBytesWrittenPastTheCache() throws IOException {
        mount();
        assertThat(ok(h.dir, "python3 -c \"\n"
                + "import os\n"
                + "open('mnt/f', 'wb').write(b'a' * 100000)\n"
                + "r = os.open('mnt/f', os.O_RDONLY)\n"
                + "first = os.pread(r, 100000, 0)\n"
                + "w = os.open('mnt/f', os.O_WRONLY)\n"
                + "os.pwrite(w, b'b' * 5000, 40000)\n"
                + "os.close(w)\n"
                + "again = os.pread(r, 100000, 0)\n"
                + "os.close(r)\n"
                + "want = b'a' * 40000 + b'b' * 5000 + b'a' * 55000\n"
                + "print(first == b'a' * 100000, again == want, open('mnt/f', 'rb').read() == want)\n"
                + "\"")).isEqualTo("True True True\n");
    }

    /**
     * A handle opened only to read has nothing written back whose error its close would report:
     * the kernel is told not to send a FLUSH when it closes (one round trip per file a reader such
     * as {@code git add} opens). A handle opened to write still is flushed at every close.
     */
    @Test
    void onlyHandlesOpenedToWriteAreFlushedAtClose() throws IOException {
        int port = MetricsEndpoint.freePort();
        Path mnt = mount("--metrics", "127.0.0.1:" + port);
        ok(h.dir, "echo x > mnt/f");
        double before = count(MetricsEndpoint.scrape(port), mnt, "flush");
        ok(h.dir, "for i in $(seq 100); do cat mnt/f; done | grep -c x | grep -qx 100");
        double reads = count(MetricsEndpoint.scrape(port), mnt, "flush");
        ok(h.dir, "for i in $(seq 100); do echo $i >> mnt/g; done; test $(wc -l < mnt/g) = 100");
        double writes = count(MetricsEndpoint.scrape(port), mnt, "flush");
        assertThat(reads - before).as("FLUSHes for 100 closes of read-only handles").isLessThan(10);
        assertThat(writes - reads).as("FLUSHes for 100 closes of handles opened to append").isGreaterThanOrEqualTo(100);
    }

    /**
     * {@code ls -l} asks for each file's access ACL (and each directory's default one) until a
     * file system answers that it has none (EOPNOTSUPP), then no more on it: a round trip per file
     * saved. Its other question per file, the SELinux label, is still asked (ENODATA: the mount
     * keeps security attributes).
     */
    @Test
    void lsAsksForACLsOnce() throws IOException {
        int port = MetricsEndpoint.freePort();
        Path mnt = mount("--metrics", "127.0.0.1:" + port);
        ok(h.dir, "mkdir mnt/d && for i in $(seq 50); do echo $i > mnt/d/$i; mkdir mnt/d/d$i; done");
        double before = asked(port, mnt, "getxattr", "listxattr");
        assertThat(ok(h.dir, "ls -l mnt/d | grep -c '^[-d]rw'")).isEqualTo("100\n");
        assertThat(asked(port, mnt, "getxattr", "listxattr") - before)
                .as("extended attributes asked by ls -l of 50 files and 50 directories")
                .isLessThanOrEqualTo(105);
    }

    /**
     * The kernel keeps a master's names and attributes past a second, a name's absence, and a
     * directory's listing: fifty stats, a look for a missing name and a listing a second and a
     * half after the last cost no request, and a file made where the kernel kept the name's
     * absence is there; so do they after another process wrote another PFS of the store. A change
     * another process makes to the mounted PFS (cpdup into it) shows at once all the same: a name
     * it removed is gone from the path and the listing, a name it made is there, a file it
     * replaced reads anew, and the mode it changed in place is the new one, though the kernel had
     * all of them cached.
     */
    @Test
    void namesAreKeptUntilAnotherProcessChangesTheStore() throws IOException {
        int port = MetricsEndpoint.freePort();
        Path mnt = mount(h.store("disk.hammer", "other", PfsMode.MASTER), "--metrics", "127.0.0.1:" + port);
        ok(h.dir, "mkdir mnt/d && for i in $(seq 50); do echo $i > mnt/d/$i; done && touch -d @1000000000 mnt/d/9"
                + " && stat mnt/d/* > /dev/null && test $(cat mnt/d/7) = 7 && test $(ls mnt/d | wc -l) = 50"
                + " && test ! -e mnt/d/new && test ! -e mnt/d/own");
        MountHarness.sleep(1500);
        double before = asked(port, mnt, "lookup", "getattr");
        double listed = asked(port, mnt, "readdir", "readdirplus");
        ok(h.dir, "stat mnt/d/* > /dev/null && test $(cat mnt/d/7) = 7 && test -e mnt/d/3"
                + " && test $(stat -c %a mnt/d/9) = 644 && test $(ls mnt/d | wc -l) = 50 && test ! -e mnt/d/new");
        assertThat(asked(port, mnt, "lookup", "getattr") - before)
                .as("LOOKUPs and GETATTRs of 51 stats 1.5 s after the last, one of a file read since")
                .isLessThanOrEqualTo(1);
        assertThat(asked(port, mnt, "readdir", "readdirplus") - listed).as("READDIRs of a listing kept").isZero();
        ok(h.dir, "echo mine > mnt/d/own && test $(cat mnt/d/own) = mine && rm mnt/d/own && test ! -e mnt/d/own"
                + " && stat mnt/d > /dev/null && test $(ls mnt/d | wc -l) = 50"); // the kernel lists d again: it changed

        ok(h.dir, "mkdir elsewhere && echo e > elsewhere/e && '" + h.hammer.launcher() + "' cpdup elsewhere disk.hammer/other/e");
        MountHarness.sleep(500);
        before = asked(port, mnt, "lookup", "getattr", "readdir", "readdirplus");
        ok(h.dir, "stat mnt/d/* > /dev/null && test ! -e mnt/d/new");
        assertThat(asked(port, mnt, "lookup", "getattr", "readdir", "readdirplus") - before)
                .as("requests for a listing and 51 stats after another PFS was written").isLessThanOrEqualTo(1);
        ok(h.dir, "test $(cat mnt/other/e/e) = e");

        ok(h.dir, "mkdir src && for i in $(seq 50); do echo $i > src/$i; done && rm src/3 && echo seven > src/7"
                + " && touch -d @1000000000 src/7 src/9 && chmod 600 src/9 && echo n > src/new");
        // One shell holds d/9 open across the copy: fstat through that descriptor walks no path, so
        // only the mount's word drops the mode the kernel keeps. Each wait is bounded: 10 s.
        ok(h.dir, "exec 3< mnt/d/9 && test $(stat -L -c %a /proc/self/fd/3) = 644"
                + " && '" + h.hammer.launcher() + "' cpdup src disk.hammer/d"
                + " && for i in $(seq 100); do test $(stat -L -c %a /proc/self/fd/3) = 600 && break; sleep 0.1; done"
                + " && test $(stat -L -c %a /proc/self/fd/3) = 600"
                + " && for i in $(seq 100); do test ! -e mnt/d/3 && test -e mnt/d/new"
                + " && test \"$(cat mnt/d/7 2>/dev/null)\" = seven && break; sleep 0.1; done"
                + " && test ! -e mnt/d/3 && test $(cat mnt/d/7) = seven && test $(stat -c %Y mnt/d/7) = 1000000000"
                + " && test $(stat -c %a mnt/d/9) = 600 && test $(cat mnt/d/new) = n && test $(ls mnt/d | wc -l) = 50");
    }

    /**
     * Directories are read without being opened: the kernel sends no OPENDIR nor RELEASEDIR
     * after the first, which the mount answers ENOSYS. Each READDIR is read from the store after
     * the offset it is given, so a reader of a directory that changes half-way (a third read,
     * every seventh unread name removed, as many made) gets each unchanged name exactly once,
     * and seekdir to a telldir position gives the same entries again. A slave's listing is
     * kept the same way and is new once the slave moved forward.
     */
    @Test
    void directoriesAreReadWithoutOpeningThemAndEachUnchangedNameComesOnce() throws IOException {
        int port = MetricsEndpoint.freePort();
        Path mnt = mount("--metrics", "127.0.0.1:" + port);
        Path script = h.dir.resolve("readdir.py");
        try (var in = KernelMountIT.class.getResourceAsStream("readdir.py")) {
            Files.write(script, in.readAllBytes());
        }
        ok(h.dir, "mkdir mnt/d && for i in $(seq 2000); do : > mnt/d/name-$i; done && ls mnt > /dev/null"
                + " && for i in $(seq 20); do mkdir mnt/e$i && touch mnt/e$i/f && ls mnt/e$i > /dev/null; done"
                + " && find mnt -path mnt/d -prune -o -print | wc -l | grep -qx 41");
        assertThat(asked(port, mnt, "opendir", "releasedir")).as("OPENDIRs and RELEASEDIRs of 42 listings")
                .isLessThanOrEqualTo(1);
        assertThat(ok(h.dir, "python3 '" + script + "' mnt/d")).isEqualTo("ok 1809\n");
        assertThat(ok(h.dir, "python3 '" + script + "' mnt/d")).startsWith("ok ");

        Path master = h.dir.resolve("master.hammer");
        ok(h.dir, "'" + h.hammer.launcher() + "' newfs master.hammer > /dev/null && mkdir src && touch src/a"
                + " && '" + h.hammer.launcher() + "' pfs-master master.hammer/m > /dev/null"
                + " && '" + h.hammer.launcher() + "' cpdup src master.hammer/m"
                + " && '" + h.hammer.launcher() + "' mirror-copy -y master.hammer/m disk.hammer/slave > /dev/null 2>&1"
                + " && test \"$(ls mnt/slave)\" = a");
        ok(h.dir, "touch src/b && '" + h.hammer.launcher() + "' cpdup src master.hammer/m"
                + " && '" + h.hammer.launcher() + "' mirror-copy master.hammer/m disk.hammer/slave > /dev/null 2>&1"
                + " && for i in $(seq 100); do test \"$(ls mnt/slave | tr '\\n' ' ')\" = 'a b ' && break; sleep 0.1; done"
                + " && test \"$(ls mnt/slave | tr '\\n' ' ')\" = 'a b '");
        assertThat(master).exists();
    }

    /**
     * A bit flipped in a file's block under a running mount: reading that file fails (EIO) and
     * the log names the damage; from then on the mount refuses every change (EROFS) and leaves
     * the store's bytes as they are, while what is intact still reads.
     */
    @Test
    void aStoreFoundDamagedUnderTheMountIsReadOnlyFromThen() throws IOException {
        Path store = h.store("disk.hammer");
        Path mnt = mount(store);
        byte[] block = new byte[64 << 10];
        new java.util.Random(8).nextBytes(block);
        Files.write(h.dir.resolve("block"), block);
        ok(h.dir, "cp block mnt/big && echo intact > mnt/intact && sync mnt/big mnt/intact && sync");
        Path data = store.resolve("data.mdb");
        byte[] whole = Files.readAllBytes(data);
        int at = new String(whole, java.nio.charset.StandardCharsets.ISO_8859_1)
                .indexOf(new String(block, 0, 64, java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(at).as("the block's bytes in data.mdb").isNotNegative();
        try (var f = new java.io.RandomAccessFile(data.toFile(), "rw")) {
            f.seek(at + 1000);
            f.write(whole[at + 1000] ^ 0x10);
        }
        ok(h.dir, "sync && echo 3 > /proc/sys/vm/drop_caches");
        byte[] damaged = Files.readAllBytes(data);

        assertThat(ok(h.dir, "cat mnt/big > /dev/null 2> err; echo $?; cat err")).contains("Input/output error");
        assertThat(ok(h.dir, "echo new > mnt/new 2> err; echo $?; cat err")).contains("Read-only file system");
        assertThat(ok(h.dir, "mkdir mnt/d 2> err; rm mnt/intact 2>> err; cat err"))
                .contains("Read-only file system").doesNotContain("No such file");
        assertThat(ok(h.dir, "cat mnt/intact")).isEqualTo("intact\n");
        assertThat(ok(h.dir, "test ! -e mnt/new && test ! -e mnt/d && echo none")).isEqualTo("none\n");
        assertThat(Files.readAllBytes(data)).as("data.mdb after the refused changes").isEqualTo(damaged);
        assertThat(h.log(mnt)).containsOnlyOnce("the store is damaged");
    }

    /**
     * Two mounts of one master, each its own daemon: each is another process to the other, and
     * each shows what the other changed though its kernel kept the file's data, its name and its
     * mode: bytes rewritten in place, a rename, a chmod. Each wait is bounded: 10 s.
     */
    @Test
    void twoMountsOfOneMasterSeeEachOthersChanges() throws IOException {
        Path store = h.store("disk.hammer");
        mount(store);
        h.mount(store.toString(), h.dir("mnt2"), "-o", "backend=kernel");
        String wait = "for i in $(seq 100); do %s && break; sleep 0.1; done; %s";
        ok(h.dir, "echo one > mnt/f && sync -f mnt && " + String.format(wait, "test \"$(cat mnt2/f)\" = one",
                "test $(cat mnt2/f) = one"));
        ok(h.dir, "printf XY | dd of=mnt/f bs=1 conv=notrunc status=none && sync -f mnt && "
                + String.format(wait, "test \"$(cat mnt2/f)\" = XYe", "test $(cat mnt2/f) = XYe"));
        ok(h.dir, "mv mnt/f mnt/g && chmod 600 mnt/g && sync -f mnt && "
                + String.format(wait, "test -e mnt2/g && test ! -e mnt2/f && test $(stat -c %a mnt2/g) = 600",
                        "test ! -e mnt2/f && test $(stat -c %a mnt2/g) = 600 && test $(cat mnt2/g) = XYe"));
    }

    /** The requests of {@code ops} the mount at {@code mnt} has served, from its metrics on {@code port}. */
    private static double asked(int port, Path mnt, String... ops) throws IOException {
        String m = MetricsEndpoint.scrape(port);
        double n = 0;
        for (String op : ops) {
            n += count(m, mnt, op);
        }
        return n;
    }

    /**
     * Two large files read cold at once, each in sequence: the store's read-ahead buffers (16 MiB
     * in all) serve both readers, their blocks read in place and the buffers read into again as
     * the readers move on, and every byte each reader gets is its file's.
     */
    @Test
    void twoLargeFilesReadColdAtOnceAreEachTheirOwnBytes() throws Exception {
        Path mnt = mount();
        byte[] a = new byte[40 << 20];
        byte[] b = new byte[40 << 20];
        new java.util.Random(21).nextBytes(a);
        new java.util.Random(22).nextBytes(b);
        Files.write(mnt.resolve("a"), a);
        Files.write(mnt.resolve("b"), b);
        ok(h.dir, "sync -f mnt && echo 3 > /proc/sys/vm/drop_caches");
        var readA = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(mnt.resolve("a")));
        var readB = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(mnt.resolve("b")));
        assertThat(java.util.Arrays.mismatch(readA.get(120, TimeUnit.SECONDS), a))
                .as("first byte of a that differs").isEqualTo(-1);
        assertThat(java.util.Arrays.mismatch(readB.get(120, TimeUnit.SECONDS), b))
                .as("first byte of b that differs").isEqualTo(-1);
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The kernel reads ahead 4 MiB of a sequential reader of a mount (1 MiB requests, several in
     * flight) where it starts every FUSE mount at 128 KiB; {@code -o readahead=KIB} says otherwise,
     * 0 leaves the kernel's own, and a size that is not one is refused before anything is mounted.
     */
    @Test
    void theKernelReadsAheadFourMebibytesUnlessTheMountSaysOtherwise() throws IOException {
        Path mnt = mount();
        String store = h.dir.resolve("disk.hammer").toString();
        assertThat(readaheadKib(mnt)).isEqualTo(4096);
        byte[] data = new byte[3 << 20];
        new java.util.Random(11).nextBytes(data);
        Files.write(mnt.resolve("f"), data);
        ok(h.dir, "sync -f mnt && echo 3 > /proc/sys/vm/drop_caches");
        assertThat(Files.readAllBytes(mnt.resolve("f"))).as("read back cold").isEqualTo(data);
        assertThat(h.umount(mnt).exitCode()).isZero();

        h.mount(store, mnt, "-o", "backend=kernel,readahead=1024");
        assertThat(readaheadKib(mnt)).isEqualTo(1024);
        assertThat(h.umount(mnt).exitCode()).isZero();
        h.mount(store, mnt, "-o", "backend=kernel,readahead=0");
        assertThat(readaheadKib(mnt)).as("the kernel's own").isEqualTo(128);
        assertThat(h.umount(mnt).exitCode()).isZero();
        Path viaLink = Files.createSymbolicLink(h.dir.resolve("link"), h.dir).resolve("mnt");
        h.mount(store, viaLink, "-o", "backend=kernel,readahead=2048");
        assertThat(readaheadKib(mnt)).as("mounted through a symbolic link").isEqualTo(2048);
        assertThat(h.umount(viaLink).exitCode()).isZero();

        var r = h.hammer.run("mount", "-o", "backend=kernel,readahead=lots", store, mnt.toString());
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.stderr()).contains("readahead=lots").hasLineCount(1);
        assertThat(Fusermount.mountDevice(mnt)).as("nothing mounted").isNull();
    }

    private static int readaheadKib(Path mnt) throws IOException {
        String device = Fusermount.mountDevice(mnt);
        assertThat(device).as("the mount's device").isNotNull();
        return Integer.parseInt(Files.readString(Path.of("/sys/class/bdi", device, "read_ahead_kb")).trim());
    }

    private static double getattrs(String metrics, Path mnt) {
        return count(metrics, mnt, "getattr");
    }

    private static double count(String metrics, Path mnt, String op) {
        String series = "hammer_mount_operations_total{mountpoint=\"" + mnt + "\",op=\"" + op + "\"}";
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
