package org.hammer.cli.fuse.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Requests decoded and replies encoded against byte layouts written out by hand from
 * include/uapi/linux/fuse.h (protocol 7.33), little-endian.
 */
class CodecTest {
    private final List<String> calls = new ArrayList<>();
    private final Operations.SetAttr[] setattr = new Operations.SetAttr[1];
    private final byte[][] written = new byte[1][];

    /** Records what the dispatcher decoded. */
    private final Operations recorder = new Operations() {
        @Override
        public int lookup(Request r, String name, Reply out) {
            calls.add("lookup " + r.nodeId() + " " + name + " uid=" + r.uid() + " gid=" + r.gid() + " pid=" + r.pid());
            return 0;
        }

        @Override
        public void forget(long nodeId, long count) {
            calls.add("forget " + nodeId + " " + count);
        }

        @Override
        public int setattr(Request r, SetAttr a, Reply out) {
            setattr[0] = a;
            return 0;
        }

        @Override
        public int rename(Request r, String name, long newDir, String newName, int flags) {
            calls.add("rename " + r.nodeId() + "/" + name + " " + newDir + "/" + newName + " " + flags);
            return 0;
        }

        @Override
        public int symlink(Request r, String name, String target, Reply out) {
            calls.add("symlink " + name + " -> " + target);
            return 0;
        }

        @Override
        public int create(Request r, String name, int flags, int mode, int umask, Reply out) {
            calls.add("create " + name + " flags=" + Integer.toOctalString(flags) + " mode=" + Integer.toOctalString(mode)
                    + " umask=" + Integer.toOctalString(umask));
            return 0;
        }

        @Override
        public int open(Request r, int flags, int openFlags, Reply out) {
            calls.add("open " + r.nodeId() + " flags=" + Integer.toOctalString(flags) + " open_flags=" + openFlags);
            return 0;
        }

        @Override
        public int write(Request r, long fh, long offset, Payload data, int writeFlags, Reply out) {
            calls.add("write fh=" + fh + " off=" + offset + " flags=" + writeFlags);
            written[0] = data.bytes();
            data.release();
            return 0;
        }

        @Override
        public int setxattr(Request r, String name, byte[] value, int flags) {
            calls.add("setxattr " + name + "=" + new String(value, StandardCharsets.UTF_8) + " flags=" + flags);
            return 0;
        }

        @Override
        public int getattr(Request r, long fh, Reply out) {
            calls.add("getattr fh=" + fh);
            return 0;
        }

        @Override
        public int mkdir(Request r, String name, int mode, int umask, Reply out) {
            calls.add("mkdir " + name + " mode=" + Integer.toOctalString(mode) + " umask=" + Integer.toOctalString(umask));
            return 0;
        }

        @Override
        public int link(Request r, long oldNode, String newName, Reply out) {
            calls.add("link " + oldNode + " " + r.nodeId() + "/" + newName);
            return 0;
        }

        @Override
        public int getxattr(Request r, String name, int size, Reply out) {
            calls.add("getxattr " + name + " size=" + size);
            return 0;
        }

        @Override
        public int read(Request r, long fh, long offset, int size, Reply out) {
            calls.add("read fh=" + fh + " off=" + offset + " size=" + size);
            return 0;
        }

        @Override
        public int unlink(Request r, String name) {
            calls.add("unlink " + r.nodeId() + "/" + name);
            return 0;
        }

        @Override
        public int opendir(Request r, int flags, boolean declinable, Reply out) {
            calls.add("opendir " + r.nodeId() + " declinable=" + declinable);
            return 0;
        }
    };

    /** A request: fuse_in_header (len, opcode, unique, nodeid, uid, gid, pid, padding) and its argument. */
    private static ByteBuffer request(int opcode, long nodeId, byte[] arg) {
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(4096, 40 + arg.length)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(40 + arg.length).putInt(opcode).putLong(77).putLong(nodeId).putInt(1000).putInt(100).putInt(4242)
                .putInt(0);
        b.put(arg);
        return b;
    }

    /** One dispatcher per test, as a session has: what INIT agreed holds for the requests after it. */
    private final Dispatcher dispatcher = new Dispatcher(recorder, false);

    private int dispatch(ByteBuffer in, Reply out) {
        return dispatch(dispatcher, in, out);
    }

    private static int dispatch(Dispatcher d, ByteBuffer in, Reply out) {
        Request r = new Request(in);
        assertThat(r.decode(in.getInt(0))).isTrue();
        out.start(r.unique());
        return d.dispatch(r, out);
    }

    /**
     * {@code in} as FUSE over io_uring delivers it: the header and the first argument structure
     * ({@link Protocol#firstArgument}) in one buffer, the rest of the arguments in the payload.
     */
    private static int ringDispatch(Dispatcher d, ByteBuffer in, Reply out) {
        int len = in.getInt(0);
        int first = Protocol.firstArgument(in.getInt(4));
        ByteBuffer head = ByteBuffer.allocateDirect(Ring.HEADER).order(ByteOrder.LITTLE_ENDIAN);
        head.put(0, in, 0, 40 + first);
        head.putInt(0, 0); // the kernel's length is not relied on
        ByteBuffer payload = ByteBuffer.allocateDirect(Dispatcher.MAX_WRITE + 4096);
        int rest = len - 40 - first;
        payload.put(0, in, 40 + first, rest);
        Request r = new Request(head);
        assertThat(r.decode(first, payload, rest)).isTrue();
        assertThat(r.length()).isEqualTo(len);
        out.start(r.unique());
        return d.dispatch(r, out);
    }

    private static Reply reply() {
        return new Reply(ByteBuffer.allocateDirect(8192));
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] z(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] cat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    @Test
    void headerAndLookupNameAreDecoded() {
        dispatch(request(Protocol.LOOKUP, 5, z("héllo")), reply());
        assertThat(calls).containsExactly("lookup 5 héllo uid=1000 gid=100 pid=4242");
    }

    @Test
    void aRequestWhoseLengthDisagreesWithTheReadIsRefused() {
        ByteBuffer in = request(Protocol.LOOKUP, 5, z("x"));
        assertThat(new Request(in).decode(20)).isFalse();
        assertThat(new Request(in).decode(43)).isFalse();
        assertThat(new Request(in).decode(42)).isTrue();
    }

    @Test
    void setattrFieldsComeFromTheirOffsets() {
        // valid, padding, fh, size, lock_owner, atime, mtime, ctime, atimensec, mtimensec, ctimensec, mode, -, uid, gid, -
        ByteBuffer a = le(88).putInt(Protocol.FATTR_MODE | Protocol.FATTR_SIZE | Protocol.FATTR_ATIME
                | Protocol.FATTR_MTIME_NOW | Protocol.FATTR_UID).putInt(0).putLong(9).putLong(123456789012L).putLong(0)
                .putLong(1_700_000_000L).putLong(5).putLong(6).putInt(250).putInt(7).putInt(8).putInt(0104755)
                .putInt(0).putInt(1001).putInt(1002).putInt(0);
        dispatch(request(Protocol.SETATTR, 3, a.array()), reply());
        Operations.SetAttr s = setattr[0];
        assertThat(s.fh()).isEqualTo(9);
        assertThat(s.size()).isEqualTo(123456789012L);
        assertThat(s.atimeNs()).isEqualTo(1_700_000_000_000_000_250L);
        assertThat(s.mtimeNs()).as("MTIME_NOW").isEqualTo(-1);
        assertThat(s.mode()).isEqualTo(0104755);
        assertThat(s.uid()).isEqualTo(1001);
        assertThat(s.gid()).isEqualTo(1002);
        assertThat(s.has(Protocol.FATTR_SIZE)).isTrue();
        assertThat(s.has(Protocol.FATTR_GID)).isFalse();
    }

    @Test
    void renameAndRename2CarryTwoNamesAfterTheirStruct() {
        dispatch(request(Protocol.RENAME, 4, cat(le(8).putLong(6).array(), z("a"), z("bb"))), reply());
        dispatch(request(Protocol.RENAME2, 4, cat(le(16).putLong(7).putInt(1).putInt(0).array(), z("c"), z("dd"))),
                reply());
        dispatch(request(Protocol.SYMLINK, 4, cat(z("link"), z("../target"))), reply());
        assertThat(calls).containsExactly("rename 4/a 6/bb 0", "rename 4/c 7/dd 1", "symlink link -> ../target");
    }

    @Test
    void createWriteSetxattrAndGetattrArguments() {
        dispatch(request(Protocol.CREATE, 1, cat(le(16).putInt(0101).putInt(0100644).putInt(022).putInt(0).array(),
                z("new"))), reply());
        byte[] data = "payload".getBytes(StandardCharsets.UTF_8);
        // fh, offset, size, write_flags, lock_owner, flags, padding, then the data
        dispatch(request(Protocol.WRITE, 2, cat(le(40).putLong(11).putLong(4096).putInt(data.length).putInt(1)
                .putLong(0).putInt(2).putInt(0).array(), data)), reply());
        dispatch(request(Protocol.SETXATTR, 2, cat(le(8).putInt(3).putInt(1).array(), z("user.k"), "v\0w".getBytes(
                StandardCharsets.UTF_8))), reply());
        dispatch(request(Protocol.GETATTR, 2, le(16).putInt(Protocol.GETATTR_FH).putInt(0).putLong(12).array()), reply());
        dispatch(request(Protocol.GETATTR, 2, le(16).putInt(0).putInt(0).putLong(12).array()), reply());
        assertThat(calls).containsExactly("create new flags=101 mode=100644 umask=22", "write fh=11 off=4096 flags=1",
                "setxattr user.k=v\0w flags=1", "getattr fh=12", "getattr fh=0");
        assertThat(written[0]).isEqualTo(data);
    }

    @Test
    void aLargeWriteArrivesWholeThroughAPooledBufferThatComesBackForTheNext() {
        byte[] data = new byte[Dispatcher.MAX_WRITE];
        new java.util.Random(3).nextBytes(data);
        for (int i = 0; i < 3; i++) {
            data[0] = (byte) i;
            dispatch(request(Protocol.WRITE, 2, cat(le(40).putLong(11).putLong(0).putInt(data.length).putInt(0)
                    .putLong(0).putInt(2).putInt(0).array(), data)), reply());
            assertThat(written[0]).isEqualTo(data);
        }
        assertThat(dispatcher.payloads().made()).as("one buffer, given back after each write").isEqualTo(1);
    }

    /** Every request a ring may carry decodes from a ring's two buffers as it does from the device's one. */
    @Test
    void requestsDecodeTheSameFromARingAsFromTheDevice() {
        byte[] big = new byte[Dispatcher.MAX_WRITE];
        new java.util.Random(5).nextBytes(big);
        byte[] attrs = le(88).putInt(Protocol.FATTR_MODE | Protocol.FATTR_SIZE | Protocol.FATTR_UID).putInt(0)
                .putLong(9).putLong(77).putLong(0).putLong(1).putLong(2).putLong(3).putInt(4).putInt(5).putInt(6)
                .putInt(0100600).putInt(0).putInt(1001).putInt(1002).putInt(0).array();
        List<ByteBuffer> requests = List.of(
                request(Protocol.LOOKUP, 5, z("héllo")),
                request(Protocol.SETATTR, 3, attrs),
                request(Protocol.RENAME, 4, cat(le(8).putLong(6).array(), z("a"), z("bb"))),
                request(Protocol.RENAME2, 4, cat(le(16).putLong(7).putInt(1).putInt(0).array(), z("c"), z("dd"))),
                request(Protocol.SYMLINK, 4, cat(z("link"), z("../target"))),
                request(Protocol.CREATE, 1, cat(le(16).putInt(0101).putInt(0100644).putInt(022).putInt(0).array(),
                        z("new"))),
                request(Protocol.MKDIR, 1, cat(le(8).putInt(0755).putInt(022).array(), z("dir"))),
                request(Protocol.LINK, 2, cat(le(8).putLong(12).array(), z("second"))),
                request(Protocol.UNLINK, 2, z("gone")),
                request(Protocol.GETXATTR, 2, cat(le(8).putInt(100).putInt(0).array(), z("user.k"))),
                request(Protocol.SETXATTR, 2, cat(le(8).putInt(3).putInt(1).array(), z("user.k"),
                        "v\0w".getBytes(StandardCharsets.UTF_8))),
                request(Protocol.GETATTR, 2, le(16).putInt(Protocol.GETATTR_FH).putInt(0).putLong(12).array()),
                request(Protocol.OPEN, 5, le(8).putInt(01001).putInt(0).array()),
                request(Protocol.READ, 5, le(40).putLong(11).putLong(65536).putInt(4096).putInt(0).putLong(0)
                        .putInt(0).putInt(0).array()),
                request(Protocol.WRITE, 2, cat(le(40).putLong(11).putLong(8).putInt(5).putInt(0).putLong(0).putInt(2)
                        .putInt(0).array(), "small".getBytes(StandardCharsets.UTF_8))));
        List<String> device = new ArrayList<>();
        List<String> ring = new ArrayList<>();
        for (ByteBuffer in : requests) {
            calls.clear();
            dispatch(dispatcher, in, reply());
            device.addAll(calls);
            Operations.SetAttr fromDevice = setattr[0];
            calls.clear();
            ringDispatch(dispatcher, in, reply());
            ring.addAll(calls);
            assertThat(setattr[0]).isEqualTo(fromDevice);
        }
        assertThat(ring).isEqualTo(device).hasSize(requests.size() - 1); // SETATTR is recorded apart
        ByteBuffer large = request(Protocol.WRITE, 2, cat(le(40).putLong(11).putLong(0).putInt(big.length).putInt(0)
                .putLong(0).putInt(2).putInt(0).array(), big));
        ringDispatch(dispatcher, large, reply());
        assertThat(written[0]).as("1 MiB of data from the payload").isEqualTo(big);
    }

    /** A field the layout puts across the end of the first argument structure is refused, not read from elsewhere. */
    @Test
    void aFieldAcrossTheFirstArgumentsEndIsRefused() {
        ByteBuffer head = ByteBuffer.allocateDirect(Ring.HEADER).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(4, Protocol.GETATTR);
        Request r = new Request(head);
        assertThat(r.decode(6, ByteBuffer.allocateDirect(64), 10)).isTrue();
        assertThat(r.u32(0)).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.u32(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cross");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.u64(10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too short");
        assertThat(r.decode(0, ByteBuffer.allocateDirect(64), 65)).as("more than the payload holds").isFalse();
    }

    /** INIT asks for FUSE over io_uring only when the session wants it and the kernel offers it (flags2). */
    @Test
    void initAgreesOnRingsOnlyWhenWantedAndOffered() {
        byte[] offering = le(64).putInt(7).putInt(45).putInt(0).putInt(Protocol.INIT_EXT | Protocol.ASYNC_READ)
                .putInt(Protocol.OVER_IO_URING2).array();
        byte[] notOffering = le(64).putInt(7).putInt(45).putInt(0).putInt(Protocol.INIT_EXT | Protocol.ASYNC_READ)
                .putInt(0).array();
        Dispatcher wants = new Dispatcher(recorder, false);
        wants.rings(true);
        Reply out = reply();
        dispatch(wants, request(Protocol.INIT, 0, offering), out);
        out.finish(0);
        ByteBuffer b = out.buffer().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(28) & Protocol.INIT_EXT).as("flags2 follows").isNotZero();
        assertThat(b.getInt(48)).as("flags2: FUSE_OVER_IO_URING").isEqualTo(Protocol.OVER_IO_URING2);
        assertThat(wants.ringsAgreed()).isTrue();

        Dispatcher declines = new Dispatcher(recorder, false);
        Reply out2 = reply();
        dispatch(declines, request(Protocol.INIT, 0, offering), out2);
        out2.finish(0);
        assertThat(out2.buffer().getInt(28) & Protocol.INIT_EXT).isZero();
        assertThat(out2.buffer().getInt(48)).isZero();
        assertThat(declines.ringsAgreed()).isFalse();

        Dispatcher notOffered = new Dispatcher(recorder, false);
        notOffered.rings(true);
        Reply out3 = reply();
        dispatch(notOffered, request(Protocol.INIT, 0, notOffering), out3);
        out3.finish(0);
        assertThat(out3.buffer().getInt(48)).isZero();
        assertThat(notOffered.ringsAgreed()).isFalse();
    }

    @Test
    void forgetsAreCountedAndNeverAnswered() {
        Reply out = reply();
        dispatch(request(Protocol.FORGET, 9, le(8).putLong(3).array()), out);
        assertThat(out.noReply()).isTrue();
        Reply out2 = reply();
        dispatch(request(Protocol.BATCH_FORGET, 0, le(40).putInt(2).putInt(0).putLong(20).putLong(1).putLong(21)
                .putLong(5).array()), out2);
        assertThat(out2.noReply()).isTrue();
        Reply out3 = reply();
        dispatch(request(Protocol.INTERRUPT, 0, le(8).putLong(76).array()), out3);
        assertThat(out3.noReply()).isTrue();
        assertThat(calls).containsExactly("forget 9 3", "forget 20 1", "forget 21 5");
    }

    /**
     * fuse_open_in's open_flags (FUSE_OPEN_KILL_SUIDGID) reach the open only once the kernel took
     * HANDLE_KILLPRIV_V2 (-1 before: the mount then decides who clears set-id bits itself).
     */
    @Test
    void openFlagsReachTheOpenOnceKillPrivV2IsAgreed() {
        byte[] open = le(8).putInt(01001).putInt(Protocol.OPEN_KILL_SUIDGID).array();
        dispatch(request(Protocol.OPEN, 5, open), reply());
        dispatch(request(Protocol.INIT, 0, le(16).putInt(7).putInt(33).putInt(0).putInt(Protocol.HANDLE_KILLPRIV_V2)
                .array()), reply());
        dispatch(request(Protocol.OPEN, 5, open), reply());
        assertThat(calls).containsExactly("open 5 flags=1001 open_flags=-1", "open 5 flags=1001 open_flags=1");
    }

    /**
     * OPENDIR may be declined (answered ENOSYS, so that the kernel stops asking) only once the
     * kernel offered NO_OPENDIR_SUPPORT at INIT: an older one would fail the open with ENOSYS.
     */
    @Test
    void opendirMayBeDeclinedOnlyWhereTheKernelOffersIt() {
        byte[] opendir = le(8).putInt(0).putInt(0).array();
        Dispatcher older = new Dispatcher(recorder, false);
        dispatch(older, request(Protocol.INIT, 0, le(16).putInt(7).putInt(28).putInt(0).putInt(Protocol.ASYNC_READ)
                .array()), reply());
        dispatch(older, request(Protocol.OPENDIR, 5, opendir), reply());
        dispatch(request(Protocol.INIT, 0, le(16).putInt(7).putInt(33).putInt(0)
                .putInt(Protocol.ASYNC_READ | Protocol.NO_OPENDIR_SUPPORT).array()), reply());
        dispatch(request(Protocol.OPENDIR, 6, opendir), reply());
        assertThat(calls).containsExactly("opendir 5 declinable=false", "opendir 6 declinable=true");
    }

    @Test
    void initAgreesOnTheLowerMinorAndTheFlagsBothWant() {
        Reply out = reply();
        int offered = -1 & ~Protocol.WRITEBACK_CACHE | Protocol.WRITEBACK_CACHE;
        int err = dispatch(request(Protocol.INIT, 0, le(16).putInt(7).putInt(40).putInt(131072).putInt(offered)
                .array()), out);
        assertThat(err).isZero();
        int len = out.finish(0);
        ByteBuffer b = out.buffer().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(len).isEqualTo(16 + 64);
        assertThat(b.getInt(16)).as("major").isEqualTo(7);
        assertThat(b.getInt(20)).as("minor").isEqualTo(33);
        assertThat(b.getInt(24)).as("max_readahead").isEqualTo(131072);
        assertThat(b.getInt(28)).as("flags").isEqualTo(Dispatcher.WANTED);
        assertThat(b.getInt(28) & Protocol.WRITEBACK_CACHE).as("not asked for").isZero();
        assertThat(b.getInt(28) & Protocol.HANDLE_KILLPRIV_V2).as("set-id bits cleared by the mount").isNotZero();
        assertThat(b.getInt(36)).as("max_write").isEqualTo(1 << 20);
        assertThat(b.getShort(44)).as("max_pages").isEqualTo((short) 256);

        Reply older = reply();
        dispatch(request(Protocol.INIT, 0, le(16).putInt(7).putInt(27).putInt(0).putInt(Protocol.ASYNC_READ).array()),
                older);
        older.finish(0);
        assertThat(older.buffer().getInt(20)).isEqualTo(27);
        assertThat(older.buffer().getInt(28)).isEqualTo(Protocol.ASYNC_READ);

        Reply newer = reply();
        dispatch(request(Protocol.INIT, 0, le(16).putInt(8).putInt(0).putInt(0).putInt(0).array()), newer);
        newer.finish(0);
        assertThat(newer.buffer().getInt(16)).as("told our major; the kernel asks again").isEqualTo(7);
    }

    /** A session whose device's readahead was raised answers INIT with it, never with less than offered. */
    @Test
    void initAnswersWithTheReadaheadTheDeviceWasGiven() {
        Dispatcher raised = new Dispatcher(recorder, false, 4 << 20);
        Reply out = reply();
        dispatch(raised, request(Protocol.INIT, 0, le(16).putInt(7).putInt(33).putInt(131072).putInt(0).array()), out);
        out.finish(0);
        assertThat(out.buffer().order(ByteOrder.LITTLE_ENDIAN).getInt(24)).isEqualTo(4 << 20);
        Reply more = reply();
        dispatch(raised, request(Protocol.INIT, 0, le(16).putInt(7).putInt(33).putInt(8 << 20).putInt(0).array()), more);
        more.finish(0);
        assertThat(more.buffer().order(ByteOrder.LITTLE_ENDIAN).getInt(24)).as("what the kernel offers").isEqualTo(8 << 20);
    }

    @Test
    void anEntryReplyHasItsFieldsWhereFuseHSaysSo() {
        Reply out = reply();
        out.start(0x1122334455L);
        Attr a = new Attr(0xABCDL, 5000, 16, -1_500_000_000L, 2_000_000_001L, 3_000_000_002L, 0100644, 2, 1000, 100, 0,
                65536);
        out.entry(42, 0, 1_250_000_000L, 3_000_000_000L, a);
        int len = out.finish(0);
        ByteBuffer b = out.buffer().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(len).isEqualTo(16 + 128);
        assertThat(b.getInt(0)).isEqualTo(len);
        assertThat(b.getInt(4)).isZero();
        assertThat(b.getLong(8)).isEqualTo(0x1122334455L);
        int e = 16;
        assertThat(b.getLong(e)).as("nodeid").isEqualTo(42);
        assertThat(b.getLong(e + 16)).as("entry_valid").isEqualTo(1);
        assertThat(b.getLong(e + 24)).as("attr_valid").isEqualTo(3);
        assertThat(b.getInt(e + 32)).as("entry_valid_nsec").isEqualTo(250_000_000);
        assertThat(b.getInt(e + 36)).as("attr_valid_nsec").isZero();
        int at = e + 40;
        assertThat(b.getLong(at)).as("ino").isEqualTo(0xABCDL);
        assertThat(b.getLong(at + 8)).as("size").isEqualTo(5000);
        assertThat(b.getLong(at + 16)).as("blocks").isEqualTo(16);
        assertThat(b.getLong(at + 24)).as("atime, floored").isEqualTo(-2);
        assertThat(b.getInt(at + 48)).as("atimensec").isEqualTo(500_000_000);
        assertThat(b.getLong(at + 32)).as("mtime").isEqualTo(2);
        assertThat(b.getInt(at + 52)).as("mtimensec").isEqualTo(1);
        assertThat(b.getInt(at + 60)).as("mode").isEqualTo(0100644);
        assertThat(b.getInt(at + 64)).as("nlink").isEqualTo(2);
        assertThat(b.getInt(at + 68)).as("uid").isEqualTo(1000);
        assertThat(b.getInt(at + 72)).as("gid").isEqualTo(100);
        assertThat(b.getInt(at + 80)).as("blksize").isEqualTo(65536);
    }

    @Test
    void anErrorReplyIsTheHeaderAloneWithTheNegatedErrno() {
        Reply out = reply();
        out.start(9);
        out.open(3, 0);
        int len = out.finish(2);
        assertThat(len).isEqualTo(16);
        assertThat(out.buffer().getInt(0)).isEqualTo(16);
        assertThat(out.buffer().getInt(4)).isEqualTo(-2);
    }

    @Test
    void direntsArePaddedToEightBytesAndStopAtTheLimit() {
        Reply out = reply();
        out.start(1);
        assertThat(out.dirent(7, 1, 0040000, "ab".getBytes(StandardCharsets.UTF_8), 72)).isTrue();
        assertThat(out.dirent(8, 2, 0100000, "abcdefghi".getBytes(StandardCharsets.UTF_8), 72)).isTrue();
        assertThat(out.dirent(9, 3, 0100000, "x".getBytes(StandardCharsets.UTF_8), 72)).as("72 bytes used").isFalse();
        int len = out.finish(0);
        ByteBuffer b = out.buffer();
        assertThat(len).as("24 + 2 is padded to 32, 24 + 9 to 40").isEqualTo(16 + 32 + 40);
        assertThat(b.getLong(16)).as("ino").isEqualTo(7);
        assertThat(b.getLong(24)).as("off").isEqualTo(1);
        assertThat(b.getInt(32)).as("namelen").isEqualTo(2);
        assertThat(b.getInt(36)).as("type DT_DIR").isEqualTo(4);
        assertThat(b.get(40)).isEqualTo((byte) 'a');
        assertThat(b.getLong(48)).as("second entry at 32").isEqualTo(8);
        assertThat(b.getInt(68)).as("type DT_REG").isEqualTo(8);
    }

    @Test
    void direntPlusIsAnEntryThenADirent() {
        Reply out = reply();
        out.start(1);
        Attr a = new Attr(55, 1, 1, 0, 0, 0, 0120777, 1, 0, 0, 0, 4096);
        assertThat(out.fitsPlus(1, 4096)).isTrue();
        out.direntPlus(12, 1_000_000_000L, 0, a, 1, "l".getBytes(StandardCharsets.UTF_8));
        out.direntPlus(0, 0, 0, new Attr(1, 0, 0, 0, 0, 0, 0040755, 2, 0, 0, 0, 0), 2, ".".getBytes(
                StandardCharsets.UTF_8));
        int len = out.finish(0);
        ByteBuffer b = out.buffer();
        assertThat(len).isEqualTo(16 + 2 * (128 + 32));
        assertThat(b.getLong(16)).as("nodeid").isEqualTo(12);
        assertThat(b.getLong(16 + 128)).as("dirent ino").isEqualTo(55);
        assertThat(b.getInt(16 + 128 + 20)).as("DT_LNK").isEqualTo(10);
        assertThat(b.getLong(16 + 160)).as("no node for '.'").isZero();
        assertThat(b.getLong(16 + 160 + 128)).isEqualTo(1);
    }

    @Test
    void notificationsCarryTheirCodeAndNoUnique() {
        Reply n = new Reply(ByteBuffer.allocateDirect(4096));
        n.invalEntry(5, "name");
        int len = n.finishNotify(Protocol.NOTIFY_INVAL_ENTRY);
        ByteBuffer b = n.buffer();
        assertThat(len).isEqualTo(16 + 16 + 5);
        assertThat(b.getInt(4)).isEqualTo(3);
        assertThat(b.getLong(8)).isZero();
        assertThat(b.getLong(16)).isEqualTo(5);
        assertThat(b.getInt(24)).isEqualTo(4);
        assertThat(b.get(36)).isZero();
        n.invalInode(8, -1, 0);
        assertThat(n.finishNotify(Protocol.NOTIFY_INVAL_INODE)).isEqualTo(16 + 24);
        assertThat(b.getInt(4)).isEqualTo(2);
        assertThat(b.getLong(24)).isEqualTo(-1);
    }
}
