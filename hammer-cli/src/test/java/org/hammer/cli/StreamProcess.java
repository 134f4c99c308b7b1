package org.hammer.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.hammer.fixtures.CliRunner;

/** A long-running {@code hammer} (mirror-stream) started in the background, its stderr kept in a file. */
final class StreamProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private StreamProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static StreamProcess start(Path log, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(CliRunner.create().launcher().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().putAll(env);
        try {
            return new StreamProcess(b.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Process process() {
        return process;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Sends SIGTERM and waits (bounded) for the exit; returns the exit status. */
    int terminate() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("mirror-stream did not stop within 30 s of SIGTERM:\n" + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    /** Polls {@code condition} every 20 ms for up to {@code seconds}; fails with the log if it never holds. */
    void await(String what, double seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + seconds + " s; mirror-stream "
                        + (process.isAlive() ? "runs" : "exited " + process.exitValue()) + ", log:\n" + log());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
