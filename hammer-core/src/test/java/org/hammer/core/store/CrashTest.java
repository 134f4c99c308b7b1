package org.hammer.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM importing into a store ({@link CrashChild}) with SIGKILL at seeded random
 * moments, reopens the store, and checks that every commit the child saw return is intact as of
 * its TID and that the newest state is exactly one committed state: the last reported one, or
 * the one being committed when the child died. Replay with {@code -DCrashTest.seed=<seed>}.
 */
class CrashTest {
    @TempDir
    Path tmp;

    private record Commit(long tid, String digest) {
    }

    @Test
    void killedImportsLeaveOnlyWholeCommits() throws Exception {
        run(5);
    }

    @Tag("slow")
    @Test
    void manyKilledImportsLeaveOnlyWholeCommits() throws Exception {
        run(40);
    }

    private void run(int rounds) throws Exception {
        String s = System.getProperty("CrashTest.seed");
        long seed = s != null ? Long.parseLong(s) : new Random().nextLong();
        System.out.println("CrashTest seed=" + seed);
        Random rnd = new Random(seed);
        Path dir = tmp.resolve("crash.hammer");
        try (Store store = Store.create(dir, "CRASH", 1L << 32)) {
            Pfses.format(store, "CRASH");
        }
        for (int round = 0; round < rounds; round++) {
            List<Commit> committed = new CopyOnWriteArrayList<>();
            List<Commit> pending = new CopyOnWriteArrayList<>();
            Process child = start(dir, rnd.nextLong());
            CountDownLatch ready = new CountDownLatch(1);
            AtomicReference<Throwable> readerFailed = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    collect(child, ready, committed, pending);
                } catch (Throwable t) {
                    readerFailed.set(t);
                    ready.countDown();
                }
            });
            reader.start();
            assertThat(ready.await(60, TimeUnit.SECONDS)).as("child committed once").isTrue();
            Thread.sleep(rnd.nextInt(700));
            assertThat(child.isAlive()).as("round %d: the child still importing when killed", round).isTrue();
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // Every line the child printed counts: the check waits for the pipe's end, however
            // busy the machine, rather than judge the store by part of what the child reported.
            reader.join(120_000);
            assertThat(reader.isAlive()).as("round %d: the child's output read to its end", round).isFalse();
            assertThat(readerFailed.get()).as("round %d: the child's output read", round).isNull();
            check(dir, round, committed, pending);
            System.out.printf("CrashTest round %d: %d commits reported, %d begun%n", round, committed.size(),
                    pending.size());
        }
    }

    private static Process start(Path dir, long childSeed) throws IOException {
        List<String> cmd = org.hammer.core.ChildJvm.command(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                CrashChild.class, dir.toString(), Long.toString(childSeed));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /**
     * The child's reports, found anywhere in a line: the JVM writes its own warnings to the same
     * standard output, in pieces, so one of them may share a line with a report.
     */
    private static final Pattern REPORT = Pattern.compile("(PENDING|COMMIT) (0x[0-9a-f]{16}) ([0-9a-f]{24})");

    private static void collect(Process child, CountDownLatch ready, List<Commit> committed, List<Commit> pending) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                Matcher m = REPORT.matcher(line);
                boolean ours = line.equals("READY");
                while (m.find()) {
                    ours = true;
                    Commit c = new Commit(Tid.parseHex(m.group(2)), m.group(3));
                    if (m.group(1).equals("PENDING")) {
                        pending.add(c);
                    } else {
                        committed.add(c);
                        ready.countDown();
                    }
                }
                if (!ours && !line.isEmpty()) {
                    System.out.println("CrashTest child: " + line); // a JVM warning, not ours
                }
            }
        } catch (IOException e) {
            // the child died mid-line: what it printed before counts
        }
    }

    private static void check(Path dir, int round, List<Commit> committed, List<Commit> pending) {
        try (Store store = Store.open(dir)) {
            for (Commit c : committed) {
                String have = store.read(r -> CrashChild.digest(CrashChild.describe(new FsReader(r, 0, c.tid()))));
                assertThat(have).as("round %d: state as of committed %s", round, Tid.format(c.tid()))
                        .isEqualTo(c.digest());
            }
            String now = store.read(r -> CrashChild.digest(CrashChild.describe(new FsReader(r, 0, Tid.MAX))));
            long last = store.lastTid();
            Commit lastCommitted = committed.isEmpty() ? null : committed.get(committed.size() - 1);
            Commit lastPending = pending.isEmpty() ? null : pending.get(pending.size() - 1);
            boolean isLastCommitted = lastCommitted != null && lastCommitted.tid() == last
                    && lastCommitted.digest().equals(now);
            boolean isInFlight = lastPending != null && lastPending.tid() == last && lastPending.digest().equals(now)
                    && (lastCommitted == null || Long.compareUnsigned(lastPending.tid(), lastCommitted.tid()) > 0);
            boolean nothingThisRound = committed.isEmpty() && (lastPending == null || lastPending.tid() != last);
            assertThat(isLastCommitted || isInFlight || nothingThisRound)
                    .as("round %d: newest state (TID %s, digest %s) is a committed one; reported %d commits, last %s, "
                            + "%d begun, last %s", round, Tid.format(last), now, committed.size(), lastCommitted,
                            pending.size(), lastPending)
                    .isTrue();
        }
    }
}
