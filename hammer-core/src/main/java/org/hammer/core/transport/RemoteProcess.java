package org.hammer.core.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hammer.core.HammerException;

/**
 * A {@code hammer} running at the other end of a remote shell: its stdin and stdout carry the
 * stream, its stderr passes through to ours. Closing destroys it if it still runs.
 */
public final class RemoteProcess implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final Endpoint endpoint;
    private final Process process;
    private final InputStream in;
    private boolean closed;

    private RemoteProcess(Endpoint endpoint, Process process) {
        this.endpoint = endpoint;
        this.process = process;
        this.in = new PipeInput(process.getInputStream(), 1 << 16);
    }

    /** Starts {@code hammer args...} at {@code e} through {@code shell}. */
    public static RemoteProcess start(RemoteShell shell, Endpoint e, List<String> hammerArgs) {
        List<String> argv = shell.command(e, hammerArgs);
        try {
            Process p = ChildProcesses.builder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new RemoteProcess(e, p);
        } catch (IOException ex) {
            throw HammerException.failure(e + ": cannot start " + argv.get(0) + ": " + ex.getMessage()
                    + " (set " + RemoteShell.ENV + " to the remote shell to use)");
        }
    }

    /** What the remote end writes. */
    public InputStream in() {
        return in;
    }

    /** What the remote end reads. */
    public OutputStream out() {
        return process.getOutputStream();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** Closes the remote end's input: it sees end of stream. */
    public void closeOutput() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone: its exit status says why
        }
    }

    /** Waits up to {@code limit} for the exit status; -1 if it still runs. */
    public int awaitExit(Duration limit) {
        try {
            if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Waits for a clean end after the stream finished; fails with the meaning of a non-zero status. */
    public void finish() {
        closeOutput();
        int code = awaitExit(GRACE);
        if (code == -1) {
            throw HammerException.failure(endpoint + ": the remote hammer did not exit after the stream ended");
        }
        HammerException e = exitFailure(code);
        if (e != null) {
            throw e;
        }
    }

    /**
     * The failure a non-zero exit status stands for (null for 0). ssh's own failures (255) and
     * deaths by signal (128 + n, as the JDK reports a process killed by signal n) are transient;
     * a remote hammer's usage, refusal or not-found codes keep their kind, so a caller that
     * retries lost links stops on them.
     */
    public HammerException exitFailure(int code) {
        String who = endpoint.destination();
        return switch (code) {
            case 0 -> null;
            case 255 -> HammerException.failure(who + ": the remote shell failed (exit 255)");
            case 126, 127 -> HammerException.notFound(who + ": cannot run '" + RemoteShell.REMOTE_PROGRAM
                    + "' there (exit " + code + "): is it installed on the remote PATH?");
            case 2 -> HammerException.usage(who + ": the remote hammer refused its arguments (exit 2)");
            case 3 -> HammerException.refused(who + ": the remote hammer refused the request (exit 3)");
            case 4 -> HammerException.notFound(who + ": the remote hammer did not find " + endpoint.path() + " (exit 4)");
            case 5 -> HammerException.corrupt(who + ": the remote hammer received a corrupt stream (exit 5)");
            default -> code > 128 && code < 160
                    ? HammerException.failure(who + ": the remote shell was ended by signal " + (code - 128))
                    : HammerException.failure(who + ": the remote hammer exited with status " + code);
        };
    }

    /** Ends the remote end now (its shell and whatever it started here). */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeOutput();
        if (awaitExit(Duration.ofMillis(200)) == -1) {
            kill();
            if (awaitExit(GRACE) == -1) {
                process.destroyForcibly();
            }
        }
        try {
            in.close();
        } catch (IOException e) {
            // nothing left to read
        }
    }
}
