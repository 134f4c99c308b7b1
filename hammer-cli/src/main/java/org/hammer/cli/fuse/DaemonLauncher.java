package org.hammer.cli.fuse;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.hammer.core.HammerException;

/**
 * Starts the mount daemon as a child JVM in its own session (same java, class path and JVM
 * flags, minus the launcher's start-up tuning: the daemon wants the full JIT), with its output in
 * a log file under {@code $HAMMER_RUN_DIR}, and waits until the mount point shows the mount.
 * {@code HAMMER_MOUNT_JAVA_OPTS} adds JVM options for the daemon alone (heap size, profiling).
 */
final class DaemonLauncher {
    static final long WAIT_MS = 15_000;

    private DaemonLauncher() {
    }

    static void start(MountTarget target, Path mountPoint, List<String> options, String metrics) {
        Path log = RunFiles.log(mountPoint);
        long before = Fusermount.device(mountPoint);
        Process child;
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "hammer mount " + target.storeDir() + " " + mountPoint + "\n",
                    StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(command(target, mountPoint, options, metrics));
            // A glibc arena per thread keeps what each thread freed (LMDB's dirty pages, FUSE
            // buffers): two bound the daemon's C heap (bench/PROFILE.md §5).
            pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true);
            child = pb.start();
        } catch (IOException e) {
            throw HammerException.failure(mountPoint + ": cannot start the mount daemon: " + e.getMessage());
        }
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                throw HammerException.failure(mountPoint + ": mount failed: " + tail(log));
            }
            long now = Fusermount.device(mountPoint);
            if (now != -1 && now != before) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        child.destroyForcibly();
        throw HammerException.failure(mountPoint + ": the mount did not come up within " + WAIT_MS / 1000
                + " s; see " + log);
    }

    /**
     * The daemon's heap, unless HAMMER_MOUNT_JAVA_OPTS (or HAMMER_JAVA_OPTS) sizes it: a JVM's default (a quarter of
     * the machine's memory) grows with what passes through the mount, not with what it holds
     * (the write-back queue is bounded at {@code Committer.MAX_QUEUED}, 32 MiB). Measured: 4 ×
     * {@code tar -x} of a 5,000-file tree then 2 GiB written, peak anonymous memory 515 MB by
     * default, 241–246 MB with 128 MiB. The heap is all resident once its old generation has
     * filled with what the write-back queue held across young collections (the libfuse backend's
     * copies); with 128 MiB that, the read-ahead's 32 MiB and the rest came to 240–260 MiB in
     * MountMemoryIT's workload, with 96 MiB to 210–227 MiB. The live heap after that workload is
     * ~5 MB; each node the kernel holds takes ~220 bytes (bench/PROFILE.md §5).
     */
    static final String HEAP = "-Xmx96m";
    /**
     * A daemon whose heap runs out ends at once, as a killed one would (what an fsync
     * acknowledged is in the store; the next mount clears the dead mount point): a JVM out of
     * heap fails wherever it next allocates, its error handlers included, and left running it
     * leaves requests unanswered and their callers waiting for good. What fills the heap is the
     * kernel's nodes, ~220 bytes each: with {@link #HEAP}, a quarter of a million files held by
     * the kernel at once.
     */
    static final String OUT_OF_HEAP = "-XX:+ExitOnOutOfMemoryError";
    private static final Pattern HEAP_SIZE = Pattern.compile("-Xmx|-XX:(MaxHeapSize|MaxRAMPercentage|MaxRAM|MaxRAMFraction)=");

    /** The launcher's JVM options tuned for a short command, not passed on to the daemon. */
    private static final Pattern COMMAND_ONLY = Pattern.compile("-Xm[sn]|-XX:(TieredStopAtLevel|ArchiveClassesAtExit"
            + "|SharedArchiveFile|AOTCache|SurvivorRatio|TargetSurvivorRatio)=");

    private static List<String> command(MountTarget target, Path mountPoint, List<String> options, String metrics) {
        List<String> cmd = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute() || new File("/bin/setsid").canExecute()) {
            cmd.add("setsid");
        }
        cmd.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // The daemon runs long: full JIT, its own heap bound (HEAP) with the default
            // generation sizes, and no class-data archive of the short-lived command.
            if (!COMMAND_ONLY.matcher(a).lookingAt()) {
                cmd.add(a);
            }
        }
        String extra = System.getenv("HAMMER_MOUNT_JAVA_OPTS");
        List<String> extras = extra == null || extra.isBlank() ? List.of() : List.of(extra.trim().split("\\s+"));
        if (cmd.stream().noneMatch(o -> HEAP_SIZE.matcher(o).lookingAt())
                && extras.stream().noneMatch(o -> HEAP_SIZE.matcher(o).lookingAt())) {
            cmd.add(HEAP);
        }
        cmd.add(OUT_OF_HEAP);
        cmd.addAll(extras);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.hammer.cli.Main");
        cmd.add("mount");
        cmd.add("-f");
        cmd.add("--resolved=" + target.spec());
        if (metrics != null) {
            cmd.add("--metrics=" + metrics);
        }
        for (String o : options) {
            cmd.add("-o");
            cmd.add(o);
        }
        cmd.add(target.storeDir().toString());
        cmd.add(mountPoint.toString());
        return cmd;
    }

    /** The last lines of the daemon's log, for the error message. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(1, lines.size() - 5), lines.size());
            return last.isEmpty() ? "the daemon exited (log " + log + ")" : String.join("; ", last).trim();
        } catch (IOException e) {
            return "the daemon exited (log " + log + ")";
        }
    }
}
