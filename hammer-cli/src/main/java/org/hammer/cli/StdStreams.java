package org.hammer.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import org.hammer.core.transport.PipeInput;

/**
 * Raw, buffered standard input and output for binary streams (System.out is for text), and the
 * standard output the launcher hands over on another descriptor.
 *
 * <p>The JVM writes a fatal error's report to descriptor 1 whatever its options say (HotSpot opens
 * that stream before it reads them), and descriptor 1 may be carrying a mirror stream. So the
 * launcher runs java with descriptor 1 pointing at stderr and the real standard output moved to
 * descriptor 3, and says so with {@code -Dhammer.stdout=3@<pid>}: only the process with that pid
 * (the one the launcher exec'd) takes descriptor 3, never a child JVM that inherited the option
 * but not the descriptor (the mount daemon).
 */
final class StdStreams {
    /** The system property the launcher sets: {@code <fd>@<pid>}. */
    static final String PROPERTY = "hammer.stdout";

    private static FileDescriptor out = FileDescriptor.out;

    private StdStreams() {
    }

    /** Makes the descriptor the launcher handed over this process's standard output, if it did. */
    static void adopt() {
        String spec = System.getProperty(PROPERTY);
        FileDescriptor fd = spec == null ? null : handedOver(spec, pid());
        if (fd != null) {
            out = fd;
            System.setOut(new PrintStream(new BufferedOutputStream(new FileOutputStream(fd), 8192), true));
        }
    }

    /**
     * This process's id, from {@code /proc/self} where there is one: {@code ProcessHandle} starts
     * the JDK's process-reaper machinery (lambdas spun at run time), a few milliseconds of every
     * command's start.
     */
    static long pid() {
        try {
            return Long.parseLong(java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self")).toString());
        } catch (java.io.IOException | RuntimeException e) {
            return ProcessHandle.current().pid();
        }
    }

    /** The descriptor {@code spec} names when it was meant for process {@code pid}, else null. */
    static FileDescriptor handedOver(String spec, long pid) {
        if (spec == null) {
            return null;
        }
        int at = spec.indexOf('@');
        try {
            if (at < 0 || Long.parseLong(spec.substring(at + 1)) != pid) {
                return null;
            }
            int fd = Integer.parseInt(spec.substring(0, at));
            return org.hammer.core.lmdb.Posix.fileDescriptor(fd);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Standard input, buffered without asking the descriptor what is available (see {@link PipeInput}). */
    static InputStream in() {
        return in(new FileInputStream(FileDescriptor.in));
    }

    /** {@code descriptor} (standard input, or a stand-in for it) buffered as {@link #in()} buffers it. */
    static InputStream in(InputStream descriptor) {
        return new PipeInput(descriptor, 1 << 16);
    }

    static OutputStream out() {
        return new BufferedOutputStream(new FileOutputStream(out), 1 << 16);
    }
}
