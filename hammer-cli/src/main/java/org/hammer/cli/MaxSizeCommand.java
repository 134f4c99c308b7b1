package org.hammer.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hammer max-size}: changes a store's size limit, the way out of a store that has filled
 * it. Removing a file keeps its history, so it gives no room back until a prune drops that
 * history (and in a format 2 store it writes the file's data again, which a full store has no
 * room for).
 */
@Command(name = "max-size",
        description = {"Change the size limit of a store (newfs --max-size), which no process may have open. "
                + "Raised, it lets a store that has filled its limit take changes again.",
            "Removing a file keeps its history, so it frees nothing until prune drops that history (in a "
                    + "format 2 store a removal also writes the file's data again, and fails on a full one until "
                    + "there is room). The limit may be lowered, but not below the pages the store "
                    + "already has. Only the store's header changes. Refused while any process has the store "
                    + "open: unmount it and stop its mirror-streams first."})
final class MaxSizeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STORE", description = "The store's directory.")
    private Path dir;

    @Parameters(index = "1", paramLabel = "SIZE",
            description = "The new limit, in bytes or with a k, m, g or t suffix (powers of 1024).")
    private String size;

    @Override
    public Integer call() {
        Path target = dir.toAbsolutePath().normalize();
        try {
            long bytes = NewfsCommand.parseSize(size, "SIZE");
            StoreHeader was = Store.changeMaxSize(target, bytes);
            spec.commandLine().getOut().printf("%s: size limit %d bytes (%s), was %d bytes (%s)%n", dir, bytes,
                    InfoCommand.human(bytes), was.maxSize(), InfoCommand.human(was.maxSize()));
        } catch (HammerException e) {
            throw Failure.about(dir.toString(), e);
        }
        return 0;
    }
}
