package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.hammer.core.btree.Inode;
import org.junit.jupiter.api.Test;

/**
 * The FUSE messages the mount looks into, built by hand as the kernel and libfuse2 lay them out
 * (include/uapi/linux/fuse.h): requests as {@code fuse_in_header} + argument, replies as an iovec
 * array of {@code fuse_out_header} and one argument.
 */
class ExchangeTest {
    private static final int GETATTR = 3;
    private static final int OPEN = 14;
    private static final int CREATE = 35;
    private static final int LOOKUP = 1;
    private final Runtime rt = Runtime.getSystemRuntime();
    private final Handles handles = new Handles("test");
    private final Exchange exchange = new Exchange(handles, 1.5);

    private Pointer request(int opcode, long unique, long nodeid, int argSize) {
        Pointer p = Memory.allocateDirect(rt, 40 + argSize, true);
        p.putInt(0, 40 + argSize);
        p.putInt(4, opcode);
        p.putLong(8, unique);
        p.putLong(16, nodeid);
        return p;
    }

    /** Sends {@code arg} as the reply to {@code unique}; returns the argument as the exchange left it. */
    private Pointer reply(long unique, int error, Pointer arg, int argSize) {
        Pointer header = Memory.allocateDirect(rt, 16, true);
        header.putInt(0, 16 + argSize);
        header.putInt(4, error);
        header.putLong(8, unique);
        Pointer iov = Memory.allocateDirect(rt, 32, true);
        iov.putPointer(0, header);
        iov.putLong(8, 16);
        iov.putPointer(16, arg);
        iov.putLong(24, argSize);
        exchange.reply(iov, 2);
        return arg;
    }

    private Pointer entryOut(long nodeid, int mode, int extra) {
        Pointer e = Memory.allocateDirect(rt, 128 + extra, true);
        e.putLong(0, nodeid);
        e.putInt(40 + 60, mode);
        return e;
    }

    @Test
    void aGetattrOfAnOrphansNodeGetsOneOfItsHandles() {
        Node f = new Node(View.current(0), 9);
        long fh = handles.open(f);
        exchange.request(request(CREATE, 11, 1, 16), 56);
        Pointer created = entryOut(42, Inode.S_IFREG | 0644, 16);
        created.putLong(128, fh);
        reply(11, 0, created, 144);
        handles.keep(0, 9);

        Pointer orphan = request(GETATTR, 12, 42, 16);
        exchange.request(orphan, 56);
        Pointer other = request(GETATTR, 13, 43, 16);
        exchange.request(other, 56);

        assertThat(orphan.getInt(40) & 1).as("FUSE_GETATTR_FH").isEqualTo(1);
        assertThat(orphan.getLong(48)).isEqualTo(fh);
        assertThat(other.getInt(40)).as("another node is left alone").isZero();
    }

    @Test
    void anOpenRequestTellsTheNodeOfTheHandleItsReplyCarries() {
        Node f = new Node(View.current(0), 9);
        long fh = handles.open(f);
        exchange.request(request(OPEN, 21, 77, 8), 48);
        Pointer out = Memory.allocateDirect(rt, 16, true);
        out.putLong(0, fh);
        reply(21, 0, out, 16);
        handles.keep(0, 9);

        assertThat(handles.orphanHandle(77)).isEqualTo(fh);
    }

    @Test
    void aDirectorysAttributesAreKeptAFilesAreNot() {
        exchange.request(request(LOOKUP, 31, 1, 2), 42);
        Pointer dir = reply(31, 0, entryOut(50, Inode.S_IFDIR | 0755, 0), 128);
        exchange.request(request(LOOKUP, 32, 1, 2), 42);
        Pointer file = reply(32, 0, entryOut(51, Inode.S_IFREG | 0644, 0), 128);
        exchange.request(request(GETATTR, 33, 50, 16), 56);
        Pointer attr = Memory.allocateDirect(rt, 104, true);
        attr.putInt(16 + 60, Inode.S_IFDIR | 0700);
        reply(33, 0, attr, 104);

        assertThat(dir.getLong(24)).isEqualTo(1);
        assertThat(dir.getInt(36)).isEqualTo(500_000_000);
        assertThat(file.getLong(24)).isZero();
        assertThat(file.getInt(36)).isZero();
        assertThat(attr.getLong(0)).isEqualTo(1);
        assertThat(attr.getInt(8)).isEqualTo(500_000_000);
    }

    @Test
    void aFailedOrForeignReplyIsLeftAlone() {
        exchange.request(request(LOOKUP, 41, 1, 2), 42);
        Pointer failed = reply(41, -2, entryOut(60, Inode.S_IFDIR | 0755, 0), 128);
        Pointer foreign = reply(99, 0, entryOut(61, Inode.S_IFDIR | 0755, 0), 128);

        assertThat(failed.getLong(24)).isZero();
        assertThat(foreign.getLong(24)).isZero();
    }
}
