package org.hammer.core.pfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Follows the ordinary symbolic links of a command-line path as the kernel would, such as the
 * seed's {@code ln -s /Backup2/pfs/test /Backup2/test} made inside a mount, but stops at PFS
 * links ({@code @@...}), which {@link PfsPath} reads itself with their as-of meaning. Components
 * that do not exist on the host (inside an unmounted store) are kept as they are.
 */
public final class HostLinks {
    private static final int MAX_LINKS = 40;

    private HostLinks() {
    }

    /** {@code arg} with its symbolic links resolved, absolute; {@code arg} itself if that fails. */
    public static String follow(String arg) {
        try {
            return follow(Path.of(arg).toAbsolutePath().normalize()).toString();
        } catch (InvalidPathException e) {
            return arg;
        }
    }

    static Path follow(Path abs) {
        Deque<String> rest = new ArrayDeque<>();
        abs.forEach(p -> rest.add(p.toString()));
        Path cur = abs.getRoot();
        int links = 0;
        while (!rest.isEmpty()) {
            Path next = cur.resolve(rest.pop());
            String target = linkTarget(next);
            if (target == null || target.startsWith("@@") || ++links > MAX_LINKS) {
                cur = next;
                continue;
            }
            Path t = cur.resolve(target).normalize();
            Deque<String> again = new ArrayDeque<>();
            t.forEach(p -> again.add(p.toString()));
            again.addAll(rest);
            rest.clear();
            rest.addAll(again);
            cur = t.getRoot();
        }
        return cur;
    }

    private static String linkTarget(Path p) {
        try {
            return Files.isSymbolicLink(p) ? Files.readSymbolicLink(p).toString() : null;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
