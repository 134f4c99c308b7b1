package org.hammer.core.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.hammer.core.HammerException;

/**
 * POSIX shell quoting for the command ssh hands to the remote shell, and the inverse split of
 * {@code $SSH_ORIGINAL_COMMAND} (quotes and backslashes only: no expansion of any kind).
 */
public final class ShellWords {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+=,-]+");

    private ShellWords() {
    }

    /** One word, single-quoted unless it is made only of characters no shell treats specially. */
    public static String quote(String word) {
        if (PLAIN.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** The words joined by spaces, each quoted as needed. */
    public static String join(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(quote(w));
        }
        return b.toString();
    }

    /** Splits a command line into words as sh would, honouring '...', "..." and backslashes. */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw HammerException.usage("unterminated ' in: " + line);
                }
                cur.append(line, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                i = doubleQuoted(line, i + 1, cur);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 < line.length() && line.charAt(i + 1) != '\n') {
                    cur.append(line.charAt(i + 1));
                    inWord = true;
                }
                i++;
            } else if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(cur.toString());
        }
        return words;
    }

    /** Appends the body of a "..." string starting at {@code i}; returns the index of the closing quote. */
    private static int doubleQuoted(String line, int i, StringBuilder cur) {
        for (; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\' && i + 1 < line.length() && "$`\"\\\n".indexOf(line.charAt(i + 1)) >= 0) {
                i++;
                if (line.charAt(i) != '\n') {
                    cur.append(line.charAt(i));
                }
            } else {
                cur.append(c);
            }
        }
        throw HammerException.usage("unterminated \" in: " + line);
    }
}
