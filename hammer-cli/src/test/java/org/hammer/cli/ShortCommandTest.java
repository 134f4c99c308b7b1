package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The plain reading of each short command takes arguments exactly as picocli does, or declines them. */
class ShortCommandTest {

    /** Argument lists each command's plain reading must take, as picocli takes them. */
    private static final Map<String, List<List<String>>> TAKEN = Map.of(
            "pfs-status", List.of(List.of(), List.of("a"), List.of("a", "b/c", "d")),
            "info", List.of(List.of(), List.of("/x/y"), List.of("p", "q")),
            "synctid", List.of(List.of("p"), List.of("p", "quick"), List.of("p", "other")),
            "snapls", List.of(List.of(), List.of("a"), List.of("a", "b")),
            "history", List.of(List.of("f"), List.of("f", "g@@0x0000000100000002")),
            "mirror-copy", List.of(List.of("a", "b"), List.of("-q", "a", "b"), List.of("a", "-q", "b"),
                    List.of("-y", "a", "b", "-q"), List.of("user@host:/p", "b")));

    /** Argument lists that need picocli: options, help, argument files, a wrong count of arguments, S3. */
    private static final Map<String, List<List<String>>> DECLINED = Map.of(
            "pfs-status", List.of(List.of("-h"), List.of("--key-file", "k", "s3://b/p"), List.of("s3://b/p"),
                    List.of("@args"), List.of("--", "a"), List.of("-v", "a")),
            "info", List.of(List.of("--help"), List.of("a", "-x")),
            "synctid", List.of(List.of(), List.of("p", "quick", "more"), List.of("-h", "p")),
            "snapls", List.of(List.of("-v"), List.of("a", "--help")),
            "history", List.of(List.of(), List.of("--offset", "3", "f"), List.of("--length=4", "f")),
            "mirror-copy", List.of(List.of("a"), List.of("a", "b", "c"), List.of("-z", "a", "b"),
                    List.of("-2", "a", "b"), List.of("a", "s3://b/p"), List.of("-p", "22", "h:/a", "b")));

    @Test
    void everyPlainReadingIsPicoclisReading() throws Exception {
        assertThat(TAKEN.keySet()).isEqualTo(ShortCommand.PLAIN.keySet());
        int compared = 0;
        for (var e : TAKEN.entrySet()) {
            for (List<String> args : e.getValue()) {
                ShortCommand plain = ShortCommand.PLAIN.get(e.getKey()).get();
                assertThat(plain.plain(args)).as("%s %s taken", e.getKey(), args).isTrue();
                ShortCommand parsed = ShortCommand.PLAIN.get(e.getKey()).get();
                new CommandLine(parsed).parseArgs(args.toArray(String[]::new));
                compared += sameFields(plain, parsed, e.getKey() + " " + args);
            }
        }
        assertThat(compared).isGreaterThan(40);
    }

    @Test
    void argumentsThatNeedPicocliAreDeclinedAndNothingIsTaken() throws Exception {
        assertThat(DECLINED.keySet()).isEqualTo(ShortCommand.PLAIN.keySet());
        for (var e : DECLINED.entrySet()) {
            for (List<String> args : e.getValue()) {
                ShortCommand c = ShortCommand.PLAIN.get(e.getKey()).get();
                ShortCommand fresh = ShortCommand.PLAIN.get(e.getKey()).get();
                assertThat(c.plain(args)).as("%s %s declined", e.getKey(), args).isFalse();
                sameFields(c, fresh, e.getKey() + " " + args + " untouched");
            }
        }
    }

    @Test
    void aPlainRunPrintsAndFailsAsPicocliDoes() {
        String[][] cases = {{"pfs-status", "/nonexistent/x"}, {"synctid", "/nonexistent/x", "slow"},
            {"history", "/nonexistent/f"}, {"info", "/nonexistent"}};
        for (String[] args : cases) {
            StringWriter quickOut = new StringWriter();
            StringWriter quickErr = new StringWriter();
            Integer quick = ShortCommand.run(args, new PrintWriter(quickOut, true), new PrintWriter(quickErr, true));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), true, args);
            assertThat(quick).as("%s", List.of(args)).isNotNull().isEqualTo(code).isNotZero();
            assertThat(quickErr.toString()).isEqualTo(err.toString()).startsWith("hammer: " + args[0] + " ");
            assertThat(quickOut.toString()).isEqualTo(out.toString());
        }
    }

    /** Asserts that a and b hold equal values in every field (mixins field by field); returns how many were compared. */
    private static int sameFields(Object a, Object b, String what) throws IllegalAccessException {
        int n = 0;
        for (Class<?> c = a.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType() == CommandSpec.class
                        || f.getType() == PrintWriter.class) {
                    continue;
                }
                f.setAccessible(true);
                Object x = f.get(a);
                Object y = f.get(b);
                if (x != null && y != null && x.getClass().getPackageName().equals("org.hammer.cli")) {
                    n += sameFields(x, y, what + " " + f.getName());
                    continue;
                }
                if (x instanceof List<?> l) {
                    x = new ArrayList<>(l);
                }
                if (y instanceof List<?> l) {
                    y = new ArrayList<>(l);
                }
                assertThat(x).as("%s: field %s", what, f.getName()).isEqualTo(y);
                n++;
            }
        }
        return n;
    }
}
