package dev.keel.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.keel.core.idempotency.ExactlyOnceToolExecutor;
import dev.keel.core.idempotency.IdempotencyInProgressException;
import dev.keel.core.idempotency.IdempotencyKey;
import dev.keel.core.idempotency.IdempotencyStore;
import dev.keel.core.idempotency.ToolExecutionException;
import dev.keel.core.policy.Deadline;
import dev.keel.core.time.Sleeper;
import dev.keel.wire.time.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link IdempotencyStore} keeps, driven through the {@link ExactlyOnceToolExecutor}:
 * tool side effects happen exactly once per key. Each store's module extends it with its real backend
 * (memory in core, SQLite and PostgreSQL in keel-store-jdbc, Redis in keel-store-redis).
 */
public abstract class IdempotencyStoreContract {

    @TempDir
    protected Path tmp;

    /** A store and what to close after the test (a schema to drop, a key prefix to delete). */
    public record Opened(IdempotencyStore store, AutoCloseable cleanup) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            cleanup.close();
        }
    }

    /** Opens a fresh, isolated store; {@code tmp} is this test's temporary directory. */
    protected abstract Opened open(Path tmp, InstantSource clock) throws Exception;

    private static ExactlyOnceToolExecutor executor(IdempotencyStore store) {
        return new ExactlyOnceToolExecutor(
                store, Duration.ofMinutes(15), Duration.ofSeconds(30), Duration.ofMillis(10), Sleeper.SYSTEM);
    }

    /** Counts InProgress answers, so the test knows the other callers really found the key PENDING. */
    private record Counting(IdempotencyStore inner, AtomicInteger inProgress) implements IdempotencyStore {
        @Override
        public Claim claim(IdempotencyKey key, Duration ttl) {
            Claim c = inner.claim(key, ttl);
            if (c instanceof Claim.InProgress) {
                inProgress.incrementAndGet();
            }
            return c;
        }

        @Override
        public boolean complete(IdempotencyKey key, String token, String result, Duration ttl) {
            return inner.complete(key, token, result, ttl);
        }

        @Override
        public void release(IdempotencyKey key, String token) {
            inner.release(key, token);
        }
    }

    @Test
    void tenConcurrentExecutionsOfOneKey_runTheSideEffectOnce() throws Exception {
        try (var opened = open(tmp, InstantSource.system())) {
            var inProgress = new AtomicInteger();
            var executor = executor(new Counting(opened.store(), inProgress));
            var key = IdempotencyKey.of("acme", "refund", "order-42", "charge");
            var invocations = new AtomicInteger();
            var othersWaiting = new CountDownLatch(1);
            List<Future<ExactlyOnceToolExecutor.Outcome>> calls = new ArrayList<>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 10; i++) {
                    calls.add(pool.submit(
                            () -> executor.execute(key, Deadline.after(Duration.ofSeconds(30), Ticker.SYSTEM), () -> {
                                invocations.incrementAndGet();
                                othersWaiting.await();
                                return "refund-7731";
                            })));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> inProgress.get() >= 9);
                othersWaiting.countDown();
                int executed = 0;
                for (var f : calls) {
                    var outcome = f.get();
                    assertThat(outcome.result()).isEqualTo("refund-7731");
                    executed += outcome instanceof ExactlyOnceToolExecutor.Outcome.Executed ? 1 : 0;
                }
                assertThat(executed).isEqualTo(1);
            }
            assertThat(invocations.get()).isEqualTo(1);
            assertThat(executor.suppressed()).isEqualTo(9);
        }
    }

    @Test
    void failedSideEffect_releasesTheKey_soTheNextCallRunsIt() throws Exception {
        try (var opened = open(tmp, InstantSource.system())) {
            var executor = executor(opened.store());
            var key = IdempotencyKey.of("acme", "refund", "order-43", "charge");
            var deadline = Deadline.after(Duration.ofSeconds(5), Ticker.SYSTEM);
            assertThatThrownBy(() -> executor.execute(key, deadline, () -> {
                        throw new IllegalStateException("payment API down");
                    }))
                    .isInstanceOfSatisfying(
                            ToolExecutionException.class,
                            e -> assertThat(e.key()).isEqualTo(key))
                    .hasMessageContaining(key.value())
                    .hasRootCauseMessage("payment API down");
            assertThat(executor.execute(key, deadline, () -> "ok"))
                    .isInstanceOf(ExactlyOnceToolExecutor.Outcome.Executed.class);
            assertThat(executor.execute(key, deadline, () -> "again"))
                    .isEqualTo(new ExactlyOnceToolExecutor.Outcome.Replayed("ok"));
        }
    }

    @Test
    void pendingBeyondTheDeadline_failsWithInProgress_andOnlyTheOwnerCanComplete() throws Exception {
        try (var opened = open(tmp, InstantSource.system())) {
            var key = IdempotencyKey.of("acme", "refund", "order-44", "charge");
            var held = (IdempotencyStore.Claim.Acquired) opened.store().claim(key, Duration.ofMinutes(1));
            var executor = executor(opened.store());
            assertThatThrownBy(() ->
                            executor.execute(key, Deadline.after(Duration.ofMillis(50), Ticker.SYSTEM), () -> "x"))
                    .isInstanceOf(IdempotencyInProgressException.class)
                    .hasMessageContaining(key.value());
            assertThat(opened.store().complete(key, "someone-else", "y", Duration.ofMinutes(1)))
                    .isFalse();
            assertThat(opened.store().complete(key, held.token(), "z", Duration.ofMinutes(1)))
                    .isTrue();
            assertThat(opened.store().claim(key, Duration.ofMinutes(1)))
                    .isEqualTo(new IdempotencyStore.Claim.Done(IdempotencyStore.hash("z"), "z"));
        }
    }
}
