package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** history's and snapls' local times are DateTimeFormatter's, without java.time at run time. */
class LocalTimesTest {
    private static final String[] ZONES = {"UTC", "Etc/UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata",
        "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns", "Asia/Tokyo"};

    @Test
    void bothFormatsMatchJavaTimeAcrossZonesYearsAndDaylightChanges() {
        int compared = 0;
        java.util.Random random = new java.util.Random(42);
        for (String id : ZONES) {
            TimeZone tz = TimeZone.getTimeZone(id);
            ZoneId zone = ZoneId.of(id);
            DateTimeFormatter history = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss", Locale.US).withZone(zone);
            DateTimeFormatter snapls = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.US).withZone(zone);
            long[] fixed = {0, -1, 951_782_400L /* 2000-02-29 */, 1_711_846_800L /* 2024-03-31 01:00 UTC */,
                1_730_595_600L /* 2024-11-03 01:00 UTC */, 4_102_444_800L /* 2100-01-01 */, -2_208_988_800L /* 1900 */};
            for (int i = 0; i < 2_000 + fixed.length; i++) {
                long s = i < fixed.length ? fixed[i] : random.nextLong(-2_500_000_000L, 5_000_000_000L);
                Instant t = Instant.ofEpochSecond(s);
                assertThat(LocalTimes.history(s, tz)).as("%s %s", id, t).isEqualTo(history.format(t));
                assertThat(LocalTimes.snapshot(s, tz)).as("%s %s", id, t).isEqualTo(snapls.format(t));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(10_000);
    }
}
