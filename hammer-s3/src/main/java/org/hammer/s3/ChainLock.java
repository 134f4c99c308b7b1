package org.hammer.s3;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.hammer.core.HammerException;

/**
 * The writer's lock of a chain: {@code PREFIX/hammer-lock}, created only if absent (a PUT with
 * {@code If-None-Match: *}, S3's conditional write), so an upload and a prune (or two uploads) never
 * change the same chain at once. It names its holder (host, pid and the process's start time,
 * command, when) and is rewritten by it every {@link #REFRESH}; a lock of a process that is gone
 * from this host (no process of that pid, or one started at another time: pids are reused), or not
 * rewritten for {@link #STALE}, is taken over; so is one of this process that no open lock of
 * it holds any more (a release that did not reach the bucket, then the next session of a
 * mirror-stream). Sealed like the manifest on an encrypted chain.
 */
final class ChainLock implements AutoCloseable {
    static final String KEY = "hammer-lock";
    static final Duration REFRESH = Duration.ofMinutes(1);
    static final Duration STALE = Duration.ofMinutes(10);
    private static final String FORMAT = "hammer-lock 1";
    /** The tokens of the locks this process holds now: taken and not closed. */
    private static final java.util.Set<String> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Chain chain;
    private final String token;
    private final String command;
    private final ScheduledExecutorService refresher;

    private ChainLock(Chain chain, String token, String command) {
        this.chain = chain;
        this.token = token;
        this.command = command;
        HELD.add(token);
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "s3-lock");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refresh, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Who holds a lock, as its object says. */
    record Holder(String token, String host, long pid, long started, String command, Instant since) {
        boolean gone(Instant now) {
            if (!since.plus(STALE).isAfter(now)) {
                return true;
            }
            ProcessHandle me = ProcessHandle.current();
            if (host.equals(host()) && pid == me.pid() && Math.abs(startedMillis(me) - started) <= 1000) {
                return !HELD.contains(token); // this process's: gone unless a lock of it is open
            }
            return host.equals(host()) && ProcessHandle.of(pid)
                    .map(p -> !p.isAlive() || Math.abs(startedMillis(p) - started) > 1000).orElse(true);
        }

        String describe() {
            return command + " (pid " + pid + " on " + host + ", since " + since.truncatedTo(ChronoUnit.SECONDS) + ")";
        }
    }

    /** Takes the chain's lock for {@code command}, or refuses (exit 3) naming the run that holds it. */
    static ChainLock take(Chain chain, String command) {
        String token = UUID.randomUUID().toString();
        for (int attempt = 0; attempt < 4; attempt++) {
            if (chain.bucket.putIfAbsent(chain.key(KEY), encode(chain, token, command))) {
                return new ChainLock(chain, token, command);
            }
            Holder h = holder(chain);
            if (h == null) {
                continue; // released meanwhile
            }
            if (h.token().equals(token)) {
                // ours: the SDK sent the PUT again after a first try that did store it
                return new ChainLock(chain, token, command);
            }
            if (!h.gone(chain.clock.instant())) {
                throw HammerException.refused(chain.url.latest() + ": " + h.describe() + " is writing to the chain; "
                        + "try again when it ends (if no such run is alive, delete " + chain.key(KEY) + ")");
            }
            chain.bucket.delete(chain.key(KEY)); // its holder is gone: take it over
        }
        throw HammerException.refused(chain.url.latest() + ": cannot take the chain's lock " + chain.key(KEY)
                + ": other runs keep taking it");
    }

    /** The lock's holder, or null when there is no lock. */
    static Holder holder(Chain chain) {
        byte[] raw = chain.bucket.get(chain.key(KEY));
        if (raw == null) {
            return null;
        }
        String text;
        try {
            text = new String(chain.sealer == null ? raw : chain.sealer.open(raw, KEY, chain.key(KEY)),
                    StandardCharsets.UTF_8);
            String[] f = text.strip().split(" ");
            if (!(f[0] + " " + f[1]).equals(FORMAT)) {
                throw new IllegalArgumentException(f[0]);
            }
            return new Holder(f[2], f[3], Long.parseLong(f[4]), Long.parseLong(f[5]), f[6],
                    Instant.ofEpochMilli(Long.parseLong(f[7])));
        } catch (RuntimeException e) {
            // unreadable (another key, damage): treat as a lock nobody refreshes
            return new Holder("?", "?", -1, 0, "an unknown run", Instant.EPOCH);
        }
    }

    private static byte[] encode(Chain chain, String token, String command) {
        ProcessHandle me = ProcessHandle.current();
        String text = FORMAT + " " + token + " " + host() + " " + me.pid() + " " + startedMillis(me) + " " + command
                + " " + chain.clock.millis() + "\n";
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        return chain.sealer == null ? plain : chain.sealer.seal(plain, KEY);
    }

    private void refresh() {
        try {
            Holder h = holder(chain);
            if (h != null && h.token().equals(token)) {
                chain.bucket.put(chain.key(KEY), encode(chain, token, command));
            }
        } catch (RuntimeException e) {
            // the next refresh tries again; the run itself reports a lost link
        }
    }

    /** Releases the lock if it is still this run's. */
    @Override
    public void close() {
        refresher.shutdownNow();
        HELD.remove(token);
        try {
            Holder h = holder(chain);
            if (h != null && h.token().equals(token)) {
                chain.bucket.delete(chain.key(KEY));
            }
        } catch (RuntimeException e) {
            // left behind: the next run, of another process or of this one, takes it over
        }
    }

    /** When the process started, in ms since the epoch (0 when the system does not say). */
    static long startedMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    static String host() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip().replace(' ', '_');
        } catch (java.io.IOException | RuntimeException e) {
            String h = System.getenv("HOSTNAME");
            return h == null || h.isBlank() ? "localhost" : h.strip().replace(' ', '_');
        }
    }
}
