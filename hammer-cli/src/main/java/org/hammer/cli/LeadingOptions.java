package org.hammer.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * hammer(8) takes its options before the command ({@code hammer -y -2 mirror-write PATH}); picocli
 * wants them after the subcommand. This moves the options found before the first argument that
 * names a subcommand to right after that name, keeping their order, together with the value of the
 * options that take one. {@code -h/--help} and {@code -V/--version} stay where they are so that
 * {@code hammer --help} still describes hammer itself.
 *
 * <p>First, the command words hammer(8) scripts use that are not commands of their own here are
 * spelled as the command and option that do the same: {@code help [CMD]} is {@code CMD --help}
 * (or {@code --help}), {@code history@OFF[,LEN]} is {@code history --offset OFF [--length LEN]},
 * {@code snaplo} is {@code snap --lo} and {@code snapq} is {@code snap --query}.
 */
final class LeadingOptions {

    /**
     * Options that take a value as the next argument: hammer(8)'s getopt {@code b:c:e:i:p:R:S:t:T:}
     * and this hammer's long ones. {@code -z} is a flag here ({@code --zstd-level N} sets a level).
     */
    static final Set<String> WITH_VALUE =
            Set.of("-b", "-S", "-i", "-t", "-p", "-e", "-c", "-R", "-T", "--zstd-level", "--retry");

    private static final Set<String> STAY = Set.of("-h", "--help", "-V", "--version");

    private LeadingOptions() {
    }

    /** {@code args} with the options before the subcommand moved after it; unchanged when no subcommand is named. */
    static String[] reorder(String[] args, Set<String> subcommands) {
        args = spell(args);
        List<String> moved = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        int i = 0;
        while (i < args.length) {
            String arg = args[i];
            if (subcommands.contains(arg)) {
                return join(kept, arg, moved, Arrays.copyOfRange(args, i + 1, args.length));
            }
            if (arg.equals("--") || !arg.startsWith("-") || arg.equals("-")) {
                return args;
            }
            List<String> into = STAY.contains(arg) ? kept : moved;
            into.add(arg);
            if (WITH_VALUE.contains(arg) && i + 1 < args.length) {
                into.add(args[i + 1]);
                i++;
            }
            i++;
        }
        return args;
    }

    private static String[] join(List<String> kept, String command, List<String> moved, String[] rest) {
        List<String> out = new ArrayList<>(kept.size() + 1 + moved.size() + rest.length);
        out.addAll(kept);
        out.add(command);
        out.addAll(moved);
        out.addAll(Arrays.asList(rest));
        return out.toArray(String[]::new);
    }

    /** {@code args} with hammer(8)'s command words that are options here spelled as such (see above). */
    static String[] spell(String[] args) {
        int i = 0;
        while (i < args.length && args[i].startsWith("-") && !args[i].equals("-") && !args[i].equals("--")) {
            i += WITH_VALUE.contains(args[i]) ? 2 : 1;
        }
        if (i >= args.length) {
            return args;
        }
        String word = args[i];
        List<String> spelled;
        String[] rest = Arrays.copyOfRange(args, i + 1, args.length);
        if (word.equals("help")) {
            spelled = new ArrayList<>();
            if (rest.length > 0) {
                spelled.add(rest[0]);
                rest = Arrays.copyOfRange(rest, 1, rest.length);
            }
            spelled.add("--help");
        } else if (word.startsWith("history@")) {
            String[] range = word.substring("history@".length()).split(",", 2);
            spelled = new ArrayList<>(List.of("history", "--offset", range[0]));
            if (range.length > 1) {
                spelled.add("--length");
                spelled.add(range[1]);
            }
        } else if (word.equals("snaplo")) {
            spelled = List.of("snap", "--lo");
        } else if (word.equals("snapq")) {
            spelled = List.of("snap", "--query");
        } else {
            return args;
        }
        List<String> out = new ArrayList<>(Arrays.asList(args).subList(0, i));
        out.addAll(spelled);
        out.addAll(Arrays.asList(rest));
        return out.toArray(String[]::new);
    }
}
