package org.hammer.core.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadAheadTest {
    private static final long MIB = 1 << 20;
    private static final long W = ReadAhead.WINDOW;

    @Test
    void theFirstReadAsksForNothingTheSecondInSequenceForAWindowPastIt() {
        ReadAhead a = new ReadAhead();
        assertThat(a.next(0, MIB)).isNull();
        assertThat(a.next(MIB, MIB)).isEqualTo(new ReadAhead.Range(2 * MIB, 2 * MIB + W));
    }

    @Test
    void moreIsAskedForOnlyOnceLessThanHalfAWindowIsLeft() {
        ReadAhead a = new ReadAhead();
        a.next(0, MIB);
        ReadAhead.Range first = a.next(MIB, MIB);
        long asked = first.to();
        long at = 2 * MIB;
        while (asked - (at + MIB) >= W / 2) {
            assertThat(a.next(at, MIB)).as("at %d", at).isNull();
            at += MIB;
        }
        ReadAhead.Range more = a.next(at, MIB);
        assertThat(more.from()).isEqualTo(asked);
        assertThat(more.to()).isEqualTo(at + MIB + W);
    }

    @Test
    void readsServedOutOfOrderStayInSequence() {
        ReadAhead a = new ReadAhead();
        a.next(0, MIB);
        a.next(MIB, MIB);
        assertThat(a.next(3 * MIB, MIB)).isNull(); // the one after next, served first
        assertThat(a.next(2 * MIB, MIB)).isNull(); // then its predecessor: nothing new to ask
        long at = 4 * MIB;
        ReadAhead.Range r = null;
        for (int i = 0; i < 16 && r == null; i++, at += MIB) {
            r = a.next(at, MIB);
        }
        assertThat(r).as("still in sequence").isNotNull();
    }

    @Test
    void aSeekStartsAgainAndSmallReadsAskForNothing() {
        ReadAhead a = new ReadAhead();
        a.next(0, MIB);
        assertThat(a.next(MIB, MIB)).isNotNull();
        assertThat(a.next(100 * MIB, MIB)).as("a seek").isNull();
        assertThat(a.next(101 * MIB, MIB)).isEqualTo(new ReadAhead.Range(102 * MIB, 102 * MIB + W));
        ReadAhead small = new ReadAhead();
        for (long at = 0; at < 64 * 4096; at += 4096) {
            assertThat(small.next(at, 4096)).isNull();
        }
    }
}
