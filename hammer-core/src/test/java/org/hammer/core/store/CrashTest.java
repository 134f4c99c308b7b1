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
            Thread reader = new Thread(() -> collect(child, ready, committed, pending));
            reader.start();
            assertThat(ready.await(60, TimeUnit.SECONDS)).as("child committed once").isTrue();
            Thread.sleep(rnd.nextInt(700));
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
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

    private static void collect(Process child, CountDownLatch ready, List<Commit> committed, List<Commit> pending) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] w = line.split(" ");
                switch (w[0]) {
                    case "PENDING" -> pending.add(new Commit(Tid.parseHex(w[1]), w[2]));
                    case "COMMIT" -> {
                        committed.add(new Commit(Tid.parseHex(w[1]), w[2]));
                        ready.countDown();
                    }
                    default -> {
                        // a JVM warning, not ours
                    }
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
                    .as("round %d: newest state (TID %s) is a committed one; reported %d commits, last %s, pending %s",
                            round, Tid.format(last), committed.size(), lastCommitted, lastPending)
                    .isTrue();
        }
    }
}
