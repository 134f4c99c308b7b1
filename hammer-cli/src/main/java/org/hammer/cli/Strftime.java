package org.hammer.cli;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;

/** The strftime(3) conversions snapshot link formats use. */
final class Strftime {
    private Strftime() {
    }

    static String format(String fmt, ZonedDateTime t) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 == fmt.length()) {
                b.append(c);
                continue;
            }
            char k = fmt.charAt(++i);
            switch (k) {
                case 'Y' -> b.append(String.format("%04d", t.getYear()));
                case 'y' -> b.append(String.format("%02d", t.getYear() % 100));
                case 'm' -> b.append(String.format("%02d", t.getMonthValue()));
                case 'd' -> b.append(String.format("%02d", t.getDayOfMonth()));
                case 'H' -> b.append(String.format("%02d", t.getHour()));
                case 'M' -> b.append(String.format("%02d", t.getMinute()));
                case 'S' -> b.append(String.format("%02d", t.getSecond()));
                case 'j' -> b.append(String.format("%03d", t.getDayOfYear()));
                case 'b' -> b.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.US));
                case 'Z' -> b.append(DateTimeFormatter.ofPattern("z", Locale.US).format(t));
                case 's' -> b.append(t.toEpochSecond());
                case '%' -> b.append('%');
                default -> b.append('%').append(k);
            }
        }
        return b.toString();
    }
}
