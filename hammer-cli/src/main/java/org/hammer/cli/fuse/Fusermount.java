package org.hammer.cli.fuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Unmounting through fusermount3, else fusermount (libfuse2), and telling a stale mount point. */
final class Fusermount {
    private static final String[] TOOLS = {"fusermount3", "fusermount"};

    private Fusermount() {
    }

    /** The outcome of an unmount: ok, or the tool's complaint. */
    record Result(boolean ok, String message) {
    }

    /** {@code fusermount3 -u[z] mountPoint}, falling back to {@code fusermount}. */
    static Result unmount(Path mountPoint, boolean lazy) {
        String last = "neither fusermount3 nor fusermount is installed";
        for (String tool : TOOLS) {
            List<String> cmd = new ArrayList<>(List.of(tool, lazy ? "-uz" : "-u", mountPoint.toString()));
            try {
                Process p = org.hammer.core.transport.ChildProcesses.builder(cmd).redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    last = tool + " timed out";
                    continue;
                }
                if (p.exitValue() == 0) {
                    return new Result(true, "");
                }
                last = out.isEmpty() ? tool + " exited with " + p.exitValue() : out;
            } catch (IOException e) {
                // Not installed: try the next one.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(false, "interrupted");
            }
        }
        return new Result(false, last);
    }

    /**
     * True when something is mounted on {@code mountPoint}: it is the mount point (field 5) of a
     * line of /proc/self/mountinfo, where spaces and other special characters appear as octal
     * escapes ({@code \040}).
     */
    static boolean isMountPoint(Path mountPoint) {
        String want = resolved(mountPoint).toString();
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mountinfo"))) {
            return lines.map(l -> l.split(" ")).filter(f -> f.length > 4).anyMatch(f -> unescape(f[4]).equals(want));
        } catch (IOException | UncheckedIOException e) {
            return true; // cannot tell: let fusermount answer
        }
    }

    /**
     * {@code mountPoint} as the kernel lists it in /proc/self/mountinfo: absolute, with the
     * symbolic links of its parent resolved. The mount point itself is not looked at: once
     * mounted, its attributes may wait for the mount's answer to INIT.
     */
    static Path resolved(Path mountPoint) {
        Path p = mountPoint.toAbsolutePath().normalize();
        if (p.getParent() != null) {
            try {
                return p.getParent().toRealPath().resolve(p.getFileName());
            } catch (IOException e) {
                return p; // a parent that is gone: as given
            }
        }
        return p;
    }

    /**
     * The device ({@code MAJOR:MINOR}) of the mount on {@code mountPoint} (the topmost one), read
     * from /proc/self/mountinfo without touching the mount itself; null if it cannot be told.
     */
    static String mountDevice(Path mountPoint) {
        String want = resolved(mountPoint).toString();
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mountinfo"))) {
            return lines.map(l -> l.split(" ")).filter(f -> f.length > 4 && unescape(f[4]).equals(want))
                    .reduce((a, b) -> b) // the last mount on the path is on top
                    .map(f -> f[2]).filter(d -> d.matches("[0-9]+:[0-9]+")).orElse(null);
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }

    /**
     * Ends the FUSE connection of {@code mountPoint} ({@code connection}: its device's minor
     * number, as {@link #mountDevice} gives it), so that requests waiting on it fail and the
     * daemon's reads of the device end: through fusectl's abort (mounting fusectl on
     * /sys/fs/fuse/connections first if it is not, as root), else by detaching the mount lazily,
     * after which the kernel ends the connection once nothing uses it.
     */
    static void abort(Path mountPoint, String connection) {
        Path dir = Path.of("/sys/fs/fuse/connections");
        Path abort = connection == null ? null : dir.resolve(connection).resolve("abort");
        if (abort != null && !Files.exists(abort) && Files.isDirectory(dir)) {
            try {
                new ProcessBuilder("mount", "-t", "fusectl", "fusectl", dir.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                        .waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (IOException e) {
                // no mount(8): detached below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (abort != null && Files.exists(abort)) {
            try {
                Files.writeString(abort, "1");
                return;
            } catch (IOException e) {
                System.err.println("hammer mount: " + abort + ": " + e.getMessage());
            }
        }
        unmount(mountPoint, true);
    }

    /**
     * Sets the readahead of the FUSE mount on {@code mountPoint} to {@code kib} KiB through its
     * device's {@code read_ahead_kb} in sysfs (the kernel starts every FUSE mount at 128 KiB).
     * On the kernel-protocol backend call it between the mount and the answer to INIT, which
     * must then offer at least as much: INIT lowers the setting to the smaller of the two. False,
     * changing nothing, where it cannot (not root, no sysfs, the mount not found).
     */
    static boolean setReadahead(Path mountPoint, int kib) {
        String device = mountDevice(mountPoint);
        if (device == null) {
            return false;
        }
        try {
            Files.writeString(Path.of("/sys/class/bdi", device, "read_ahead_kb"), Integer.toString(kib));
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** A field of /proc/self/mountinfo with its octal escapes ({@code \040}) undone. */
    static String unescape(String field) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                b.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * True when the mount point's daemon is gone: listing it fails with ENOTCONN or ECONNABORTED.
     * Right after a daemon served through io_uring died, the kernel fails requests with ECANCELED
     * for a moment while it tears the rings down; that is asked again, for up to a second.
     */
    static boolean isStale(Path mountPoint) {
        for (int i = 0; i < 20; i++) {
            String why = listingFailure(mountPoint);
            if (why == null || !why.contains("canceled")) {
                return gone(why);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return false;
    }

    /** Why listing the mount point fails; null when it does not (or does not exist). */
    private static String listingFailure(Path mountPoint) {
        try {
            Files.readAttributes(mountPoint, "unix:dev");
            // The kernel may answer a stat from its attribute cache after the daemon died; opening
            // the directory always asks the daemon.
            try (java.nio.file.DirectoryStream<Path> d = Files.newDirectoryStream(mountPoint)) {
                d.iterator().hasNext();
            }
            return null;
        } catch (java.nio.file.DirectoryIteratorException e) {
            return e.getCause() == null ? null : e.getCause().getMessage();
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) {
            return e.getReason();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Whether an error says the daemon is gone: ENOTCONN, or ECONNABORTED where the kernel aborted
     * the connection itself (the rings of FUSE over io_uring torn down with the dead process).
     */
    private static boolean gone(String reason) {
        return reason != null && (reason.contains("not connected") || reason.contains("connection abort"));
    }

    /** The device id of a path (changes when something is mounted on it), or -1. */
    static long device(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:dev")).longValue();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
