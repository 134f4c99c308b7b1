package org.hammer.cli;

import java.io.BufferedReader;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.hammer.core.HammerException;

/**
 * The terminal: questions asked on the controlling terminal (/dev/tty), as hammer does when stdin
 * carries a stream (only y, yes, Y and YES count as yes), and whether standard error is one, for
 * progress lines redrawn in place.
 */
final class Terminal {
    /** What /proc/self/fd/N leads to when N is a terminal: a pseudo-terminal, a virtual console, a serial line. */
    private static final Pattern TTY = Pattern.compile("/dev/(pts/\\d+|tty\\w*|console)");

    private Terminal() {
    }

    /**
     * Whether standard error is a terminal. The JDK cannot tell for stderr ({@code System.console()}
     * looks at stdin and stdout), so this reads where the descriptor leads (Linux, as the mount
     * and the store already require); anything else (a pipe, a file, /dev/null, no /proc) is not.
     */
    static boolean stderrIsTerminal() {
        try {
            return TTY.matcher(Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString()).matches();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    static boolean ask(String what, String question) {
        try (BufferedReader in = new BufferedReader(new FileReader("/dev/tty", StandardCharsets.UTF_8));
                Writer out = new FileWriter("/dev/tty", StandardCharsets.UTF_8)) {
            out.write(question);
            out.flush();
            String answer = in.readLine();
            if (answer == null) {
                return false;
            }
            answer = answer.trim();
            return answer.equals("y") || answer.equals("yes") || answer.equals("Y") || answer.equals("YES");
        } catch (IOException e) {
            throw HammerException.refused(what + ": no terminal for response (use -y)");
        }
    }
}
