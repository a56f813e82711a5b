package dev.memtable.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.RecoveryMode;
import dev.memtable.SyncPolicy;
import dev.memtable.WalOptions;
import dev.memtable.spi.Wal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Concurrent syncers share fsyncs, and no write is acknowledged before an fsync covers it, under
 * every {@link SyncPolicy} (write-through and gathered appends alike).
 */
class GroupCommitTest {

    private static final long WAIT_SECONDS = 60;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(SyncPolicy.class)
    void syncTo_manyThreadsEachWaitingForTheirOwnWrite_shareFsyncs(SyncPolicy policy)
            throws Exception {
        FaultyFs fs = new FaultyFs();
        fs.noopForce = true;
        // A slow disk: while one fsync runs, the other writers queue behind it.
        fs.forceHook = n -> sleep(2);
        Path file = dir.resolve("group.wal");
        int threads = 16;
        int perThread = 40;
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        try (Wal wal = fs.provider().create(file, WalOptions.defaults().withSyncPolicy(policy))) {
            FaultyFs.Channel channel = fs.channel(file);
            int forcesBefore = fs.fileForces.get();
            AtomicLong sequences = new AtomicLong();
            runThreads(threads, t -> {
                for (int i = 0; i < perThread; i++) {
                    long end = wal.append(Bytes.ofUtf8("t" + t + "/" + i), Bytes.ofUtf8("v" + i),
                            sequences.incrementAndGet());
                    wal.syncTo(end);
                    long durable = channel.durable();
                    if (end > durable) {
                        violations.add("write ending at " + end + " acknowledged while only "
                                + durable + " was durable");
                    }
                }
            });
            int writes = threads * perThread;
            int forces = fs.fileForces.get() - forcesBefore;
            assertEquals(List.of(), violations.stream().limit(5).toList());
            assertTrue(forces * 4 <= writes, forces + " fsyncs for " + writes
                    + " synced writes: concurrent syncers are not sharing fsyncs");
        }
        assertEquals(threads * perThread,
                Logs.recover(FaultyFs.fast().provider(), file, RecoveryMode.STRICT, false)
                        .ok().size());
    }

    @ParameterizedTest
    @EnumSource(SyncPolicy.class)
    void syncTo_recordWrittenDuringAnFsync_waitsForTheNextFsync(SyncPolicy policy)
            throws Exception {
        FaultyFs fs = new FaultyFs();
        CountDownLatch inFirstForce = new CountDownLatch(1);
        CountDownLatch releaseFirstForce = new CountDownLatch(1);
        Path file = dir.resolve("late.wal");
        try (Wal wal = fs.provider().create(file, WalOptions.defaults().withSyncPolicy(policy))) {
            int base = fs.fileForces.get();
            fs.forceHook = n -> {
                if (n == base + 1) {
                    inFirstForce.countDown();
                    await(releaseFirstForce);
                }
            };
            FaultyFs.Channel channel = fs.channel(file);
            long first = wal.append(Bytes.ofUtf8("a"), Bytes.ofUtf8("1"), 1);
            Thread leader = start(() -> wal.syncTo(first));
            await(inFirstForce);
            long second = wal.append(Bytes.ofUtf8("b"), Bytes.ofUtf8("2"), 2);
            AtomicLong durableWhenReturned = new AtomicLong(-1);
            Thread follower = start(() -> {
                wal.syncTo(second);
                durableWhenReturned.set(channel.durable());
            });
            awaitWaiting(follower);
            releaseFirstForce.countDown();
            join(leader);
            join(follower);
            assertEquals(base + 2, fs.fileForces.get(),
                    "the record written during the first fsync needs a second one");
            assertTrue(durableWhenReturned.get() >= second, "acknowledged before durable: "
                    + durableWhenReturned.get() + " < " + second);
        }
    }

    // ------------------------------------------------------------------ helpers

    interface Body {
        void run() throws Exception;
    }

    interface IndexedBody {
        void run(int index) throws Exception;
    }

    /** Runs {@code body} on {@code n} threads at once; rethrows the first failure. */
    static void runThreads(int n, IndexedBody body) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    body.run(index);
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "writer-" + i);
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " still running after " + WAIT_SECONDS + " s");
            }
        }
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError("writer failed", errors.peek());
            throw e;
        }
    }

    /** Starts {@code body} on a thread; a failure is rethrown by {@link #join(Thread)}. */
    static Thread start(Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.setUncaughtExceptionHandler((th, e) -> FAILURES.add(e));
        t.start();
        return t;
    }

    private static final Queue<Throwable> FAILURES = new ConcurrentLinkedQueue<>();

    static void join(Thread t) throws InterruptedException {
        t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        if (t.isAlive()) {
            throw new AssertionError(t + " still running after " + WAIT_SECONDS + " s");
        }
        Throwable e = FAILURES.poll();
        if (e != null) {
            throw new AssertionError("thread failed", e);
        }
    }

    /** Waits until {@code t} is parked (waiting for the running fsync). */
    static void awaitWaiting(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (t.getState() != Thread.State.WAITING) {
            if (System.nanoTime() > deadline || !t.isAlive()) {
                throw new AssertionError(t + " never started waiting; state " + t.getState());
            }
            Thread.sleep(1);
        }
    }

    static void await(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("test latch not released within " + WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
