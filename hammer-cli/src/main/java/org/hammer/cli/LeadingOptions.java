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
}
