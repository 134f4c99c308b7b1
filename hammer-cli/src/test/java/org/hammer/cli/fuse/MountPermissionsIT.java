package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hammer.cli.fuse.MountHarness.ok;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Permission checks on a mount answer exactly as on a local directory for an unprivileged user:
 * root builds the same tree in {@code local/t} (on the disk under {@code h.dir}) and in
 * {@code mnt/t} (inside the mount), then one battery of operations runs as uid 65534 against each
 * and the two transcripts, one line per operation ({@code <run> <label> OK|<ERRNO>|True|False}),
 * must agree line for line.
 *
 * <p>The battery runs twice on each side, each time on a tree of its own: in {@code u/} with no
 * supplementary group, in {@code g/} with the supplementary group 4242. Both trees are
 *
 * <pre>
 * d&lt;mode&gt;_&lt;uid&gt;_&lt;gid&gt;/  a directory for each mode of DIR_MODES and owner 0:0, 65534:65534, 0:4242,
 * │                     holding f e r m t (root's, 0666), ue ur um ut (65534's, 0644), l -&gt; f,
 * │                     s/ and sd/ (root's, 0755, empty) and ud/ (65534's, 0755, empty)
 * files/f&lt;mode&gt;_&lt;uid&gt;_&lt;gid&gt;  a file for each mode of FILE_MODES and the same three owners
 * to/                   0777: where things are moved across directories (in_&lt;d&gt;, din_&lt;d&gt;)
 * x/                    0777: files to chown, chmod and write (set-id bits), set-group-id
 *                       directories sg5 (2775) and sg7 (2777) of group 4242, tmp/ (0777),
 *                       a fifo, a symlink, and tx with a trusted.* attribute
 * fifos/h&lt;mode&gt;_&lt;uid&gt;_&lt;gid&gt;  a fifo for each mode of FIFO_MODES and owner, held open by root
 *                       while the battery runs (so blocking opens return), and i&lt;...&gt;, one nobody holds
 * socks/s&lt;mode&gt;_&lt;uid&gt;_&lt;gid&gt;  a bound Unix stream socket for each mode of FIFO_MODES and owner, with
 *                       no listener: a connect that passes the permission check is ECONNREFUSED
 * exec/b&lt;mode&gt;_&lt;uid&gt;_&lt;gid&gt;   a copy of true(1) and s&lt;...&gt;, a shell script, for each mode of EXEC_MODES
 * </pre>
 *
 * and every regular file and directory carries {@code user.a = v}. The local side needs user
 * extended attributes in {@code java.io.tmpdir} (ext4, xfs, btrfs and tmpfs have them); without
 * them the test is skipped.
 *
 * <p>Each operation works on names of its own, so no operation changes what a later one sees
 * in a way that could differ between the sides. Nothing printed depends on the filesystem
 * (no inode numbers, times, directory sizes or directory link counts).
 */
@Tag("fuse")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MountPermissionsIT {
    private static final String DIR_MODES =
            "0000 0400 0200 0100 0300 0500 0600 0700 0711 0733 0755 0770 0707 0777 1777 2775 2777 3777";
    private static final String FILE_MODES = "0000 0400 0200 0100 0700 0755 0770 0707 0777 0711 0733 0644 0664 0606 "
            + "0640 0600 0666 0066 0604 0460 0046";
    private static final String OWNERS = "0:0 65534:65534 0:4242";
    private static final String FIFO_MODES = "0000 0600 0644 0666 0660 0606 0640 0604 0620 0602 0420 0240";
    private static final String EXEC_MODES = "0744 0711 0755 0700 0644 0750 0710 0701 0111 0000";
    /** The system's Python, which the user can run (root's own, e.g. under pyenv, may be out of its reach). */
    private static final String PYTHON =
            Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    /** Run as root in an empty directory: builds one tree (see the class comment). */
    private static final String PREPARE = """
            set -e
            umask 022
            mkdir to files x x/tmp x/sg5 x/sg7
            chmod 0777 to x x/tmp
            for o in %s; do
              for m in %s; do
                d=d${m}_${o%%%%:*}_${o##*:}
                dirs="$dirs $d $d/s $d/sd $d/ud to/din_$d"
                roots="$roots $d/f $d/e $d/r $d/m $d/t to/in_$d"
                users="$users $d/ue $d/ur $d/um $d/ut $d/ud to/din_$d"
              done
              for m in %s; do
                echo x > files/f${m}_${o%%%%:*}_${o##*:}
              done
            done
            mkdir $dirs
            touch $roots $users
            chmod 0666 $roots
            chown 65534:65534 $users
            for o in %s; do
              chown $o d*_${o%%%%:*}_${o##*:} files/f*_${o%%%%:*}_${o##*:}
            done
            for m in %s; do
              chmod $m d${m}_*
            done
            for m in %s; do
              chmod $m files/f${m}_*
            done
            cd x
            touch own c1 c2 c3 c4 c5 c6 c7 cm1 cm2 cm3 cm4 kp1 kp2 kp3 kp4 kp5 hr644 hr666 tx
            chown 65534:65534 own c1 c2 c3 c4 c5 c6 cm2 cm3 cm4 kp5
            chown 65534:4242 cm1
            chown 0:4242 sg5 sg7
            chmod 0644 own c1 c2 c3 c4 c5 cm1 cm2 cm3 cm4 hr644 tx
            chmod 6755 c6
            chmod 0666 c7 hr666
            chmod 6777 kp1 kp2 kp4 kp5
            chmod 2666 kp3
            chmod 2775 sg5
            chmod 2777 sg7
            mkfifo fifo
            ln -s own lnk
            cd ..
            %s -c '
            import glob, os, stat
            for d in glob.glob("d*"):
                os.symlink("f", d + "/l")
            for top, dirs, files in os.walk("."):
                for p in [top] + [os.path.join(top, n) for n in files]:
                    if stat.S_ISREG(os.lstat(p).st_mode) or p == top:
                        os.setxattr(p, "user.a", b"v")
            os.setxattr("x/tx", "trusted.t", b"root only")
            '
            """.formatted(OWNERS, DIR_MODES, FILE_MODES, OWNERS, DIR_MODES, FILE_MODES, PYTHON) + """
            mkdir fifos socks exec
            for o in %1$s; do
              for m in %2$s; do
                n=${m}_${o%%%%:*}_${o##*:}
                mkfifo fifos/h$n fifos/i$n
                chown $o fifos/h$n fifos/i$n
                chmod $m fifos/h$n fifos/i$n
              done
              for m in %3$s; do
                n=${m}_${o%%%%:*}_${o##*:}
                cp /usr/bin/true exec/b$n
                printf '#!/bin/sh\\necho ran\\n' > exec/s$n
                chown $o exec/b$n exec/s$n
                chmod $m exec/b$n exec/s$n
              done
            done
            %4$s -c '
            import os, socket
            for o in "%1$s".split():
                uid, gid = (int(x) for x in o.split(":"))
                for m in "%2$s".split():
                    p = "socks/s%%s_%%d_%%d" %% (m, uid, gid)
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.bind(p)
                    s.close()
                    os.chown(p, uid, gid)
                    os.chmod(p, int(m, 8))
            '
            """.formatted(OWNERS, FIFO_MODES, EXEC_MODES, PYTHON);

    /** Run as the user in a tree's root, with the run's name as argument: prints the transcript. */
    private static final String BATTERY = """
            import errno, os, stat, sys
            os.umask(0o022)
            RUN = sys.argv[1]
            BASE = os.getcwd()
            OWNERS = ['%s']
            DIR_MODES = '%s'.split()
            FILE_MODES = '%s'.split()

            def say(label, result):
                print(RUN, label, result)

            def op(label, fn):
                try:
                    r = fn()
                except OSError as e:
                    say(label, errno.errorcode.get(e.errno, 'E%%d' %% e.errno))
                except Exception as e:
                    say(label, type(e).__name__)
                else:
                    say(label, 'OK' if r is None else 'OK ' + str(r))

            def desc(st):
                kind = stat.filemode(st.st_mode)[0]
                return '%%s %%04o %%d:%%d' %% (kind, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)

            def access(path):
                for name in ('F_OK', 'R_OK', 'W_OK', 'X_OK'):
                    say('access %%s %%s' %% (path, name), os.access(path, getattr(os, name)))

            def opening(path, flags, mode=0o666):
                return lambda: os.close(os.open(path, flags, mode))

            def stat_after(path, fn):
                def run():
                    fn()
                    return desc(os.lstat(path))
                return run

            def write_byte(path):
                fd = os.open(path, os.O_WRONLY)
                try:
                    os.write(fd, b'y')
                finally:
                    os.close(fd)

            def chdir(path):
                os.chdir(path)
                os.chdir(BASE)

            def xattrs(path):
                op('getxattr %%s user.a' %% path, lambda: os.getxattr(path, 'user.a').decode())
                op('setxattr %%s user.p' %% path, lambda: os.setxattr(path, 'user.p', b'u'))
                op('listxattr %%s' %% path, lambda: ','.join(sorted(os.listxattr(path))))

            W = os.O_WRONLY
            NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL

            for o in OWNERS:
                for m in DIR_MODES:
                    d = 'd%%s_%%s' %% (m, o)
                    op('listdir ' + d, lambda: ','.join(sorted(os.listdir(d))))
                    op('lstat %%s/f' %% d, lambda: desc(os.lstat(d + '/f')))
                    op('lstat %%s/l' %% d, lambda: desc(os.lstat(d + '/l')))
                    op('stat %%s/l' %% d, lambda: desc(os.stat(d + '/l')))
                    op('chdir ' + d, lambda: chdir(d))
                    access(d)
                    access(d + '/f')
                    op('open-r %%s/f' %% d, opening(d + '/f', os.O_RDONLY))
                    op('open-w %%s/f' %% d, opening(d + '/f', W))
                    op('open-rw %%s/f' %% d, opening(d + '/f', os.O_RDWR))
                    op('open-w-trunc %%s/f' %% d, opening(d + '/f', W | os.O_TRUNC))
                    op('open-w-creat %%s/f' %% d, opening(d + '/f', W | os.O_CREAT))
                    op('truncate %%s/f' %% d, lambda: os.truncate(d + '/f', 0))
                    op('create %%s/nc' %% d, stat_after(d + '/nc', opening(d + '/nc', NEW)))
                    op('mkdir %%s/nd' %% d, stat_after(d + '/nd', lambda: os.mkdir(d + '/nd')))
                    op('mkfifo %%s/nf' %% d, stat_after(d + '/nf', lambda: os.mkfifo(d + '/nf')))
                    op('symlink %%s/nl' %% d, stat_after(d + '/nl', lambda: os.symlink('f', d + '/nl')))
                    op('link x/own %%s/nh' %% d, stat_after(d + '/nh', lambda: os.link('x/own', d + '/nh')))
                    op('unlink %%s/e' %% d, lambda: os.unlink(d + '/e'))
                    op('unlink %%s/ue' %% d, lambda: os.unlink(d + '/ue'))
                    op('rmdir %%s/s' %% d, lambda: os.rmdir(d + '/s'))
                    op('rename %%s/r %%s/r2' %% (d, d), lambda: os.rename(d + '/r', d + '/r2'))
                    op('rename %%s/ur %%s/ur2' %% (d, d), lambda: os.rename(d + '/ur', d + '/ur2'))
                    op('rename %%s/ut over %%s/t' %% (d, d), lambda: os.rename(d + '/ut', d + '/t'))
                    op('rename %%s/m to/' %% d, lambda: os.rename(d + '/m', 'to/m_' + d))
                    op('rename %%s/um to/' %% d, lambda: os.rename(d + '/um', 'to/um_' + d))
                    op('rename to/in_%%s into' %% d, lambda: os.rename('to/in_' + d, d + '/in'))
                    op('rename dir %%s/sd to/' %% d, lambda: os.rename(d + '/sd', 'to/sd_' + d))
                    op('rename dir %%s/ud to/' %% d, lambda: os.rename(d + '/ud', 'to/ud_' + d))
                    op('rename dir to/din_%%s into' %% d, lambda: os.rename('to/din_' + d, d + '/din'))
                    xattrs(d)
                    op('utime-now ' + d, lambda: os.utime(d, None))

            for o in OWNERS:
                for m in FILE_MODES:
                    f = 'files/f%%s_%%s' %% (m, o)
                    access(f)
                    op('open-r ' + f, opening(f, os.O_RDONLY))
                    op('open-w ' + f, opening(f, W))
                    op('open-rw ' + f, opening(f, os.O_RDWR))
                    op('open-r-trunc ' + f, opening(f, os.O_RDONLY | os.O_TRUNC))
                    op('open-w-trunc ' + f, opening(f, W | os.O_TRUNC))
                    op('open-w-creat ' + f, opening(f, W | os.O_CREAT))
                    xattrs(f)
                    op('truncate ' + f, lambda: os.truncate(f, 1))
                    op('utime-times ' + f, lambda: os.utime(f, (1000000000, 1000000000)))
                    op('utime-now ' + f, lambda: os.utime(f, None))
                    op('chmod-same ' + f, lambda: os.chmod(f, int(m, 8)))
                    op('chown-none ' + f, lambda: os.chown(f, -1, -1))

            op('chown x/c1 65534:4242', stat_after('x/c1', lambda: os.chown('x/c1', 65534, 4242)))
            op('chown x/c2 -1:4242', stat_after('x/c2', lambda: os.chown('x/c2', -1, 4242)))
            op('chown x/c3 0:0', stat_after('x/c3', lambda: os.chown('x/c3', 0, 0)))
            op('chown x/c4 0:-1', stat_after('x/c4', lambda: os.chown('x/c4', 0, -1)))
            op('chown x/c5 65534:65534', stat_after('x/c5', lambda: os.chown('x/c5', 65534, 65534)))
            op('chown x/c6 (6755) -1:4242', stat_after('x/c6', lambda: os.chown('x/c6', -1, 4242)))
            op('chown x/c7 (root) 65534:65534', stat_after('x/c7', lambda: os.chown('x/c7', 65534, 65534)))
            op('chmod x/cm1 (group 4242) 2755', stat_after('x/cm1', lambda: os.chmod('x/cm1', 0o2755)))
            op('chmod x/cm2 2755', stat_after('x/cm2', lambda: os.chmod('x/cm2', 0o2755)))
            op('chmod x/cm3 4755', stat_after('x/cm3', lambda: os.chmod('x/cm3', 0o4755)))
            op('chmod x/cm4 1644', stat_after('x/cm4', lambda: os.chmod('x/cm4', 0o1644)))
            op('chmod x/hr644 (root) 0666', stat_after('x/hr644', lambda: os.chmod('x/hr644', 0o666)))
            op('write x/kp1 (root 6777)', stat_after('x/kp1', lambda: write_byte('x/kp1')))
            op('truncate x/kp2 (root 6777)', stat_after('x/kp2', lambda: os.truncate('x/kp2', 0)))
            # S_ISGID without S_IXGRP: dropped by a write from outside the file's group.
            op('write x/kp3 (root 2666)', stat_after('x/kp3', lambda: write_byte('x/kp3')))
            op('open-w-trunc x/kp4 (root 6777)', stat_after('x/kp4', opening('x/kp4', W | os.O_TRUNC)))
            op('write x/kp5 (own 6777)', stat_after('x/kp5', lambda: write_byte('x/kp5')))
            for sg in ('x/sg5', 'x/sg7'):
                op('create %%s/f 0666' %% sg, stat_after(sg + '/f', opening(sg + '/f', NEW, 0o666)))
                op('create %%s/fs 2777' %% sg, stat_after(sg + '/fs', opening(sg + '/fs', NEW, 0o2777)))
                op('mkdir %%s/d' %% sg, stat_after(sg + '/d', lambda: os.mkdir(sg + '/d')))
                op('mkdir %%s/d2 0700' %% sg, stat_after(sg + '/d2', lambda: os.mkdir(sg + '/d2', 0o700)))
                op('create %%s/d/f' %% sg, stat_after(sg + '/d/f', opening(sg + '/d/f', NEW)))
                op('mkdir %%s/d/d' %% sg, stat_after(sg + '/d/d', lambda: os.mkdir(sg + '/d/d')))
                op('mkfifo %%s/p' %% sg, stat_after(sg + '/p', lambda: os.mkfifo(sg + '/p')))
                op('symlink %%s/l' %% sg, stat_after(sg + '/l', lambda: os.symlink('f', sg + '/l')))
            op('create x/tmp/um 0666', stat_after('x/tmp/um', opening('x/tmp/um', NEW, 0o666)))
            op('create x/tmp/s 4777', stat_after('x/tmp/s', opening('x/tmp/s', NEW, 0o4777)))
            op('create x/tmp/g 2777', stat_after('x/tmp/g', opening('x/tmp/g', NEW, 0o2777)))
            op('mkdir x/tmp/d2 2755', stat_after('x/tmp/d2', lambda: os.mkdir('x/tmp/d2', 0o2755)))
            op('mkdir x/tmp/d3 1777', stat_after('x/tmp/d3', lambda: os.mkdir('x/tmp/d3', 0o1777)))
            op('mkfifo x/tmp/p 0666', stat_after('x/tmp/p', lambda: os.mkfifo('x/tmp/p', 0o666)))
            op('link x/own x/tmp/h1', stat_after('x/tmp/h1', lambda: os.link('x/own', 'x/tmp/h1')))
            op('link x/hr644 (root) x/tmp/h2', stat_after('x/tmp/h2', lambda: os.link('x/hr644', 'x/tmp/h2')))
            op('link x/hr666 (root) x/tmp/h3', stat_after('x/tmp/h3', lambda: os.link('x/hr666', 'x/tmp/h3')))
            op('setxattr x/fifo user.p', lambda: os.setxattr('x/fifo', 'user.p', b'u'))
            op('getxattr x/fifo user.a', lambda: os.getxattr('x/fifo', 'user.a'))
            op('setxattr x/lnk user.p nofollow', lambda: os.setxattr('x/lnk', 'user.p', b'u', follow_symlinks=False))
            op('setxattr x/lnk user.p', lambda: os.setxattr('x/lnk', 'user.p', b'u'))
            op('getxattr x/tx trusted.t', lambda: os.getxattr('x/tx', 'trusted.t'))
            op('setxattr x/tx trusted.u', lambda: os.setxattr('x/tx', 'trusted.u', b'u'))
            # trusted.* names are listed to CAP_SYS_ADMIN only.
            op('listxattr x/tx', lambda: ','.join(sorted(os.listxattr('x/tx'))))
            op('removexattr x/tx user.a', lambda: os.removexattr('x/tx', 'user.a'))
            op('removexattr x/own user.a', lambda: os.removexattr('x/own', 'user.a'))
            """.formatted(OWNERS.replace(":", "_").replace(" ", "', '"), DIR_MODES, FILE_MODES) + """
            import signal, socket, subprocess

            class Blocked(Exception):
                pass

            def blocked(signum, frame):
                raise Blocked()

            signal.signal(signal.SIGALRM, blocked)

            def bounded(fn):
                # A fifo open that would wait for a peer: prints Blocked instead of hanging.
                def run():
                    signal.alarm(5)
                    try:
                        return fn()
                    finally:
                        signal.alarm(0)
                return run

            def connect(path):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(path)
                finally:
                    s.close()

            def execute(path):
                r = subprocess.run(['./' + path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=20)
                return '%%d %%s' %% (r.returncode, r.stdout.decode().strip())

            R, RW, NB = os.O_RDONLY, os.O_RDWR, os.O_NONBLOCK
            for o in OWNERS:
                for m in '%1$s'.split():
                    n = '%%s_%%s' %% (m, o)
                    held, idle, sock = 'fifos/h' + n, 'fifos/i' + n, 'socks/s' + n
                    op('fifo open-r ' + held, bounded(opening(held, R)))
                    op('fifo open-w ' + held, bounded(opening(held, W)))
                    op('fifo open-rw ' + held, bounded(opening(held, RW)))
                    op('fifo open-w-trunc ' + held, bounded(opening(held, W | os.O_TRUNC)))
                    op('fifo open-r-nonblock ' + idle, opening(idle, R | NB))
                    op('fifo open-w-nonblock ' + idle, opening(idle, W | NB))
                    op('fifo open-rw-nonblock ' + idle, opening(idle, RW | NB))
                    access(idle)
                    op('connect ' + sock, lambda: connect(sock))
                    access(sock)
                for m in '%2$s'.split():
                    for f in ('exec/b%%s_%%s' %% (m, o), 'exec/s%%s_%%s' %% (m, o)):
                        op('exec ' + f, lambda: execute(f))
                        op('open-r ' + f, opening(f, R))
                        access(f)

            # Names of 256 bytes, in ASCII and as 128 two-byte characters, on every operation;
            # 255 bytes is the longest name that works.
            for label, name in (('n*256', 'n' * 256), ('e-acute*128', '\\u00e9' * 128)):
                p = 'x/tmp/' + name
                op('create x/tmp/src-' + label, opening('x/tmp/src-' + label, NEW))
                op('stat ' + label, lambda: desc(os.stat(p)))
                op('lstat ' + label, lambda: desc(os.lstat(p)))
                op('stat ' + label + '/f', lambda: desc(os.stat(p + '/f')))
                op('stat d0000_0_0/' + label, lambda: desc(os.stat('d0000_0_0/' + name)))
                op('access ' + label, lambda: os.access(p, os.F_OK))
                op('open-r ' + label, opening(p, R))
                op('create ' + label, opening(p, NEW))
                op('open-w-creat ' + label, opening(p, W | os.O_CREAT))
                op('mkdir ' + label, lambda: os.mkdir(p))
                op('mkfifo ' + label, lambda: os.mkfifo(p))
                op('symlink f ' + label, lambda: os.symlink('f', p))
                op('link to ' + label, lambda: os.link('x/tmp/src-' + label, p))
                op('rename to ' + label, lambda: os.rename('x/tmp/src-' + label, p))
                op('rename from ' + label, lambda: os.rename(p, 'x/tmp/dst-' + label))
                op('unlink ' + label, lambda: os.unlink(p))
                op('rmdir ' + label, lambda: os.rmdir(p))
                op('chdir ' + label, lambda: chdir(p))
                op('listdir ' + label, lambda: os.listdir(p))
                op('readlink ' + label, lambda: os.readlink(p))
                op('chmod ' + label, lambda: os.chmod(p, 0o644))
                op('utime-now ' + label, lambda: os.utime(p, None))
                op('truncate ' + label, lambda: os.truncate(p, 0))
                op('getxattr ' + label, lambda: os.getxattr(p, 'user.a'))
                op('symlink to ' + label, lambda: os.symlink(name, 'x/tmp/to-' + label))
                op('stat through symlink to ' + label, lambda: desc(os.stat('x/tmp/to-' + label)))
            for label, name in (('n*255', 'n' * 255), ('e-acute*127+a', '\\u00e9' * 127 + 'a')):
                p = 'x/tmp/' + name
                op('create ' + label, stat_after(p, opening(p, NEW)))
                op('rename to ' + label, lambda: os.rename(p, p[:-1] + 'b'))
                op('unlink ' + label, lambda: os.unlink(p[:-1] + 'b'))
                op('mkdir ' + label, stat_after(p, lambda: os.mkdir(p)))
            """.formatted(FIFO_MODES, EXEC_MODES);

    private MountHarness h;
    private Path local;
    private Path mounted;
    private Path battery;

    @BeforeAll
    void prepareBothSides() throws IOException {
        assumeTrue(MountHarness.available(), "needs root, /dev/fuse and fusermount");
        h = new MountHarness();
        assumeTrue(hasUserXattrs(h.dir), "the local side needs user.* extended attributes in " + h.dir);
        Path mnt = h.mount(h.store("disk.hammer").toString(), h.dir("mnt"));
        local = h.dir("local/t");
        mounted = Files.createDirectory(mnt.resolve("t"));
        Path prepare = script("prepare.sh", PREPARE);
        battery = script("battery.py", BATTERY);
        for (Path side : List.of(local, mounted)) {
            ok(side, "chmod 0755 . && mkdir u g && (cd u && bash " + prepare + ") && (cd g && bash " + prepare + ")");
        }
    }

    @AfterAll
    void unmount() throws IOException {
        if (h != null) {
            h.close();
        }
    }

    private static boolean hasUserXattrs(Path dir) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class);
        if (view == null) {
            return false;
        }
        try {
            view.write("probe", ByteBuffer.allocate(1));
            view.delete("probe");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A script in the world-readable work directory, so that the user can read it too. */
    private Path script(String name, String text) throws IOException {
        Path p = Files.writeString(h.dir.resolve(name), text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        return p;
    }

    /**
     * The battery run as 65534:65534, first without and then with the supplementary group 4242,
     * while root holds every {@code fifos/h*} open for reading and writing.
     */
    private List<String> transcript(Path side) {
        List<String> lines = new ArrayList<>();
        String user = "for f in fifos/h*; do exec {fd}<>\"$f\"; done; setpriv --reuid=65534 --regid=65534 ";
        String run = " " + PYTHON + " " + battery;
        lines.addAll(List.of(ok(side.resolve("u"), user + "--clear-groups" + run + " u").split("\n")));
        lines.addAll(List.of(ok(side.resolve("g"), user + "--groups=4242" + run + " g").split("\n")));
        return lines;
    }

    /**
     * The kernel checks first (default_permissions) and the mount again, so both must get every
     * rule right: among them {@code write x/kp3} (set-group-id without group execute is dropped
     * by a write from outside the file's group, which the kernel's FUSE code leaves to the
     * filesystem), {@code listxattr x/tx} (trusted.* names are root's), protected hard links, the
     * sticky-directory rules, fifo opens and socket connects (which only the kernel sees), exec
     * (the execute bit, not the read bit) and ENAMETOOLONG for every over-long name.
     */
    @Test
    void aNonRootUserGetsTheSameAnswersAsOnALocalDisk() {
        List<String> onDisk = transcript(local);
        List<String> onMount = transcript(mounted);

        assertThat(onDisk).as("the battery is not trivial").anyMatch(l -> l.endsWith(" EACCES"))
                .anyMatch(l -> l.endsWith(" EPERM")).anyMatch(l -> l.endsWith(" OK") || l.contains(" OK "))
                .anyMatch(l -> l.endsWith(" True")).anyMatch(l -> l.endsWith(" False"));
        assertThat(onMount).as("line for line as on the local disk; differing lines (local | mount):%s",
                differences(onDisk, onMount)).containsExactlyElementsOf(onDisk);
    }

    private static String differences(List<String> expected, List<String> actual) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            String e = i < expected.size() ? expected.get(i) : "(none)";
            String a = i < actual.size() ? actual.get(i) : "(none)";
            if (!e.equals(a)) {
                b.append("\n  ").append(e).append("  |  ").append(a);
            }
        }
        return b.toString();
    }
}
