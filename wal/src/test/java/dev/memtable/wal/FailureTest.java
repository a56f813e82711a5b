package dev.memtable.wal;

import static dev.memtable.wal.GroupCommitTest.await;
import static dev.memtable.wal.GroupCommitTest.awaitWaiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.RecoveryMode;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** A failed fsync or write fails the log for good: no later call ever reports success. */
class FailureTest {

    @TempDir
    Path dir;

    private final FaultyFs fs = new FaultyFs();

    @Test
    void sync_fsyncFails_everyLaterCallFailsWithTheCauseAndNothingIsRetried() throws IOException {
        Path file = dir.resolve("fsync.wal");
        Wal wal = fs.provider().create(file, WalOptions.defaults());
        long durableBefore = wal.position();
        long end = wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"), 1);
        IOException injected = new IOException("injected fsync failure");
        fs.forceHook = n -> {
            throw injected;
        };
        int forces = fs.fileForces.get();

        assertFailedWith(injected, () -> wal.syncTo(end));
        fs.forceHook = n -> { };    // the disk "recovers": the log must not believe it
        assertFailedWith(injected, () -> wal.syncTo(end));
        assertFailedWith(injected, wal::sync);
        assertFailedWith(injected, () -> wal.syncTo(durableBefore));
        assertFailedWith(injected, () -> wal.append(Bytes.ofUtf8("k2"), Bytes.ofUtf8("v2"), 2));
        assertFailedWith(injected,
                () -> wal.append(new WriteBatch().delete(Bytes.ofUtf8("k")), 3));
        assertEquals(end, wal.position(), "a failed log took an append");
        assertFailedWith(injected, wal::close);
        assertEquals(forces + 1, fs.fileForces.get(), "an fsync was retried after a failure");
        wal.close();
    }

    @Test
    void syncTo_fsyncFailsWhileOthersWait_everyWaiterGetsTheError() throws Exception {
        Path file = dir.resolve("waiters.wal");
        Wal wal = fs.provider().create(file, WalOptions.defaults());
        CountDownLatch inForce = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        IOException injected = new IOException("injected fsync failure");
        fs.forceHook = n -> {
            inForce.countDown();
            await(release);
            throw injected;
        };
        int waiters = 4;
        ExecutorService pool = Executors.newFixedThreadPool(waiters + 1);
        try {
            List<Future<?>> calls = new ArrayList<>();
            long first = wal.append(Bytes.ofUtf8("leader"), Bytes.ofUtf8("v"), 1);
            calls.add(pool.submit(() -> {
                wal.syncTo(first);
                return null;
            }));
            await(inForce);
            List<Thread> parked = new ArrayList<>();
            CountDownLatch registered = new CountDownLatch(waiters);
            for (int i = 0; i < waiters; i++) {
                long end = wal.append(Bytes.ofUtf8("w" + i), Bytes.ofUtf8("v"), 2 + i);
                calls.add(pool.submit(() -> {
                    synchronized (parked) {
                        parked.add(Thread.currentThread());
                    }
                    registered.countDown();
                    wal.syncTo(end);
                    return null;
                }));
            }
            assertTrue(registered.await(60, TimeUnit.SECONDS));
            for (Thread t : parked) {
                awaitWaiting(t);
            }
            release.countDown();
            for (Future<?> call : calls) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> call.get(60, TimeUnit.SECONDS));
                IOException io = (IOException) e.getCause();
                assertSame(injected, io.getCause(), "a waiter got " + io);
            }
            assertEquals(2, fs.fileForces.get(), "header fsync plus the one failed fsync");
            assertFailedWith(injected, wal::close);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void append_writeFailsPartWay_logFailsAndRecoveryDropsTheTornRecord() throws IOException {
        Path file = dir.resolve("write.wal");
        Wal wal = fs.provider().create(file, WalOptions.defaults());
        Logs.Rec kept = new Logs.Rec(9,
                new WriteBatch().put(Bytes.ofUtf8("kept"), Bytes.ofUtf8("v")));
        Logs.append(wal, List.of(kept));
        long end = wal.position();
        fs.failWriteAt = end + 10;
        IOException e = assertThrows(IOException.class,
                () -> wal.append(Bytes.ofUtf8("torn"), Bytes.ofUtf8("record"), 10));
        Throwable injected = e.getCause();
        assertTrue(injected.getMessage().contains("injected write failure"), injected.toString());
        fs.failWriteAt = Long.MAX_VALUE;
        assertEquals(end, wal.position());
        assertFailedWith(injected, () -> wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"), 11));
        assertFailedWith(injected, () -> wal.syncTo(end));
        assertFailedWith(injected, wal::close);

        Logs.Recovered r = Logs.recover(FaultyFs.fast().provider(), file,
                RecoveryMode.TOLERATE_TORN_TAIL, false);
        assertEquals(Logs.expected(List.of(kept)), r.ok());
        assertEquals(end, r.reports().get(0).offset());
        assertEquals(10, r.reports().get(0).length());
    }

    private static void assertFailedWith(Throwable cause, Executable call) {
        IOException e = assertThrows(IOException.class, call);
        assertSame(cause, e.getCause(), "wrong cause: " + e);
    }
}
