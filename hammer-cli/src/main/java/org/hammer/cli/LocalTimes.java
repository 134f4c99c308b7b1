package org.hammer.cli;

import java.util.Date;
import java.util.Locale;
import java.util.TimeZone;

/**
 * Local date and time as history and snapls print them, from {@link TimeZone} and arithmetic.
 * java.time's zones would do the same at a cost a short command feels: their rules provider is
 * looked up as a service over every jar of the class path, and month names and digits come from
 * the locale data (10-30 ms together). {@code LocalTimesTest} holds both texts to
 * {@code DateTimeFormatter}'s in several zones, across their daylight-saving changes.
 */
final class LocalTimes {
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private LocalTimes() {
    }

    /** {@code dd-MMM-yyyy HH:mm:ss} (hammer(8)'s history), in {@code zone}. */
    static String history(long epochSecond, TimeZone zone) {
        if (epochSecond < 0) {
            return javaTime("dd-MMM-yyyy HH:mm:ss", epochSecond, zone);
        }
        int[] f = fields(epochSecond, zone);
        StringBuilder b = new StringBuilder(20);
        two(b, f[2]).append('-').append(MONTHS[f[1] - 1]).append('-');
        four(b, f[0]).append(' ');
        return time(b, f).toString();
    }

    /** {@code yyyy-MM-dd HH:mm:ss z} (snapls), in {@code zone}. */
    static String snapshot(long epochSecond, TimeZone zone) {
        if (epochSecond < 0) {
            return javaTime("yyyy-MM-dd HH:mm:ss z", epochSecond, zone);
        }
        int[] f = fields(epochSecond, zone);
        StringBuilder b = new StringBuilder(28);
        four(b, f[0]).append('-');
        two(b, f[1]).append('-');
        two(b, f[2]).append(' ');
        time(b, f).append(' ');
        boolean daylight = zone.inDaylightTime(new Date(Math.multiplyExact(epochSecond, 1000L)));
        return b.append(zone.getDisplayName(daylight, TimeZone.SHORT, Locale.US)).toString();
    }

    /**
     * Before 1970, through java.time: TimeZone rounds the local mean time some zones kept before
     * their first standard time (Berlin's 0:53:28 until 1893) to whole minutes.
     */
    private static String javaTime(String pattern, long epochSecond, TimeZone zone) {
        return java.time.format.DateTimeFormatter.ofPattern(pattern, Locale.US).withZone(zone.toZoneId())
                .format(java.time.Instant.ofEpochSecond(epochSecond));
    }

    /** Year, month, day, hour, minute, second of {@code epochSecond} in {@code zone}. */
    private static int[] fields(long epochSecond, TimeZone zone) {
        long local = epochSecond + zone.getOffset(Math.multiplyExact(epochSecond, 1000L)) / 1000;
        long days = Math.floorDiv(local, 86_400L);
        int secs = (int) Math.floorMod(local, 86_400L);
        // civil date from days since 1970-01-01, in 400-year eras of 146,097 days from 0000-03-01
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        return new int[] {(int) year, month, day, secs / 3600, secs / 60 % 60, secs % 60};
    }

    private static StringBuilder time(StringBuilder b, int[] f) {
        two(b, f[3]).append(':');
        two(b, f[4]).append(':');
        return two(b, f[5]);
    }

    private static StringBuilder two(StringBuilder b, int v) {
        return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    private static StringBuilder four(StringBuilder b, int year) {
        if (year >= 0 && year < 1000) {
            b.append(year < 10 ? "000" : year < 100 ? "00" : "0");
        }
        return b.append(year);
    }
}
