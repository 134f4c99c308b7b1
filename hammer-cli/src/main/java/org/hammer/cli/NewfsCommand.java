package org.hammer.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hammer newfs}: creates a store (newfs_hammer) with its PFS #0. */
@Command(name = "newfs",
        description = {"Create a new store (a HAMMER filesystem).",
            "The directory must be empty or missing. The store starts with PFS #0, a master, as its root "
                    + "filesystem."})
final class NewfsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;


    @Option(names = {"-L", "--label"}, paramLabel = "LABEL",
            description = "Label of the store and of its PFS #0. Defaults to the directory's name.")
    private String label;

    @Option(names = "--max-size", paramLabel = "SIZE", defaultValue = "1t",
            description = "Largest size the store may grow to, in bytes or with a k, m, g or t suffix "
                    + "(powers of 1024). Space is reserved, not allocated. Default: ${DEFAULT-VALUE}.")
    private String maxSize;

    @Option(names = {"-V", "--format-version"}, paramLabel = "VERSION",
            description = "The store format to make (hammer version lists them). Default: the newest, "
                    + "${DEFAULT-VALUE}; an older one for a store an older hammer must read "
                    + "(version-upgrade moves it on later).")
    private int format = StoreHeader.FORMAT_VERSION;

    @Parameters(paramLabel = "DIR", description = "Directory to create the store in; it must be empty or missing.")
    private Path dir;

    @Override
    public Integer call() {
        Path target = dir.toAbsolutePath().normalize();
        long bytes;
        try {
            bytes = parseSize(maxSize, "--max-size");
        } catch (HammerException e) {
            throw Failure.about(target.toString(), e);
        }
        String name = label != null ? label : target.getFileName() == null ? "" : target.getFileName().toString();
        try (Store store = Store.create(target, name, bytes, format)) {
            Pfses.format(store, name);
            StoreHeader h = store.header();
            spec.commandLine().getOut().printf("Created store %s%n    label=\"%s\"%n    fs-uuid=%s%n"
                    + "    format=%d%n    max-size=%d%n", dir, h.label(), h.fsUuid(), h.formatVersion(), h.maxSize());
        } catch (HammerException e) {
            throw Failure.about(target.toString(), e);
        }
        return 0;
    }

    /** {@code N[k|m|g|t]} in bytes, suffixes in powers of 1024 as hammer(8)'s -b; {@code what} names it in an error. */
    static long parseSize(String text, String what) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        int shift = 0;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                case 't' -> shift = 40;
                default -> shift = -1;
            }
            if (shift >= 0) {
                s = s.substring(0, s.length() - 1);
            } else {
                shift = 0;
            }
        }
        try {
            long n = Long.parseLong(s);
            if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw HammerException.usage(what + " " + text + ": expected a positive size such as 64g or 1048576");
        }
    }
}
