package org.hammer.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hammer.core.pfs.Pfses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write transaction belongs to one thread at a time: used from another, it fails at once; handed over, it works. */
class TxnOwnershipTest {
    @TempDir
    Path tmp;
    private Store store;
    private final ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "other"));

    @BeforeEach
    void open() {
        store = Store.create(tmp.resolve("s"), "T", 64L << 20);
        Pfses.format(store, "T");
    }

    @AfterEach
    void close() {
        other.shutdownNow();
        store.close();
    }

    private <T> T onOther(java.util.concurrent.Callable<T> work) throws Exception {
        try {
            return other.submit(work).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aWriteTransactionUsedFromAnotherThreadFailsAtOnceNamingBoth() {
        String me = Thread.currentThread().getName();
        store.write(w -> {
            assertThatThrownBy(() -> onOther(() -> w.meta("x"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("used by thread 'other'")
                    .hasMessageContaining("thread '" + me + "' owns it");
            assertThatThrownBy(() -> onOther(() -> {
                w.putMeta("test/x", bytes("x"));
                return null;
            })).isInstanceOf(IllegalStateException.class);
            return null;
        });
    }

    @Test
    void handedOverAndBackItCommitsWhatBothThreadsWrote() {
        store.write(w -> {
            w.putMeta("test/a", bytes("first"));
            w.detach();
            try {
                boolean attached = onOther(() -> {
                    boolean a = w.attach();
                    w.putMeta("test/b", bytes("second"));
                    assertThat(w.meta("test/a")).isEqualTo(bytes("first"));
                    w.detach();
                    return a;
                });
                assertThat(attached).isTrue();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertThat(w.attach()).isTrue();
            assertThat(w.attach()).as("already the caller's: a nested use").isFalse();
            w.putMeta("test/c", bytes("third"));
            return null;
        });
        store.read(r -> {
            assertThat(r.meta("test/a")).isEqualTo(bytes("first"));
            assertThat(r.meta("test/b")).isEqualTo(bytes("second"));
            assertThat(r.meta("test/c")).isEqualTo(bytes("third"));
            return null;
        });
    }

    @Test
    void whileDetachedEveryUseFailsAndSoDoesTheCommit() {
        assertThatThrownBy(() -> store.write(w -> {
            w.putMeta("test/lost", bytes("x"));
            w.detach();
            assertThatThrownBy(() -> w.meta("test/lost")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("detached from every thread");
            return null; // returns without taking it back: no commit
        })).hasRootCauseInstanceOf(IllegalStateException.class).hasRootCauseMessage(
                "write transaction of " + store.dir() + " used by thread '" + Thread.currentThread().getName()
                        + "' while detached from every thread");
        byte[] lost = store.read(r -> r.meta("test/lost"));
        assertThat(lost).as("nothing committed").isNull();
    }

    @Test
    void attachingWhileAnotherThreadOwnsItFails() {
        store.write(w -> {
            assertThatThrownBy(() -> onOther(w::attach)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("owns it");
            w.putMeta("test/still", bytes("mine"));
            return null;
        });
        byte[] still = store.read(r -> r.meta("test/still"));
        assertThat(still).isEqualTo(bytes("mine"));
    }

    /** MDB_NOTLS: a read transaction may move to another thread (used by one at a time). */
    @Test
    void aReadTransactionMayBeUsedFromAnotherThread() throws Exception {
        store.write(w -> {
            w.putMeta("test/r", bytes("v"));
            return null;
        });
        byte[] v = store.read(r -> {
            try {
                return CompletableFuture.supplyAsync(() -> r.meta("test/r"), other).get(10, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(v).isEqualTo(bytes("v"));
    }
}
