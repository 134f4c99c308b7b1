package org.hammer.cli;

import java.io.BufferedReader;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.hammer.core.HammerException;

/**
 * Questions asked on the controlling terminal (/dev/tty), as hammer does when stdin carries a
 * stream. Only y, yes, Y and YES count as yes.
 */
final class Terminal {
    private Terminal() {
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
