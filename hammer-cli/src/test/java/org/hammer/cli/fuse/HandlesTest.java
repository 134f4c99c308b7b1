package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Open handles as the mount's record of open files: which objects outlive their last name, and when they go. */
class HandlesTest {
    private final Handles handles = new Handles("test owner");
    private final Node f = new Node(View.current(0), 5);

    @Test
    void anObjectWithAnOpenHandleIsKeptAndItsLastHandleHandsItBack() {
        long a = handles.open(f);
        long b = handles.open(f);

        assertThat(handles.keep(0, 5)).isTrue();
        assertThat(handles.release(a)).as("another handle is open").isNull();
        assertThat(handles.release(b)).isEqualTo(f);
        assertThat(handles.release(b)).as("released once").isNull();
        assertThat(handles.keep(0, 5)).as("nothing open any more").isFalse();
    }

    @Test
    void onlyHandlesOfTheCurrentStateKeepAnObject() {
        long old = handles.open(new Node(new View(0, 0x100000001L), 5));
        long other = handles.open(new Node(View.current(1), 5));

        assertThat(handles.keep(0, 5)).as("a handle on history, another PFS").isFalse();
        assertThat(handles.release(old)).isNull();
        assertThat(handles.release(other)).as("never an orphan").isNull();
    }

    @Test
    void anOrphansKernelNodesLeadToOneOfItsHandlesUntilItsLastIsReleased() {
        long a = handles.open(f);
        handles.opened(a, 7);
        assertThat(handles.orphanHandle(7)).as("not an orphan yet").isZero();

        handles.keep(0, 5);
        long b = handles.open(f);
        handles.opened(b, 8);

        assertThat(handles.orphanHandle(7)).isIn(a, b);
        assertThat(handles.orphanHandle(8)).isIn(a, b);
        handles.release(a);
        assertThat(handles.orphanHandle(7)).isEqualTo(b);
        handles.release(b);
        assertThat(handles.orphanHandle(7)).isZero();
        assertThat(handles.orphanHandle(8)).isZero();
    }
}
