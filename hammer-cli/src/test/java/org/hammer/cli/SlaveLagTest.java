package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlaveLagTest {

    private static final long NOW_MICROS = System.currentTimeMillis() * 1000;

    @Test
    void upToDateSlaveSaysSo() {
        assertThat(SlaveLag.text(new SlaveLag.Lag(1, 0, 0), "")).isEqualTo("lag=0 (up to date with master PFS#1)");
    }

    @Test
    void laggingSlaveCountsChangesAndTheAgeOfTheOldest() {
        assertThat(SlaveLag.text(new SlaveLag.Lag(3, 1, NOW_MICROS - 90_000_000L), ""))
                .matches("lag=1 change behind master PFS#3, oldest (90|91)s ago");
        assertThat(SlaveLag.text(new SlaveLag.Lag(3, 7, NOW_MICROS), " of /srv/disk1"))
                .matches("lag=7 changes behind master PFS#3 of /srv/disk1, oldest [01]s ago");
    }

    @Test
    void countsStopAtTheCap() {
        assertThat(SlaveLag.text(new SlaveLag.Lag(1, SlaveLag.COUNT_CAP, NOW_MICROS), ""))
                .startsWith("lag=100000+ changes behind master PFS#1");
    }
}
