package dev.memtable.wal;

import static dev.memtable.wal.GroupCommitTest.await;
import static dev.memtable.wal.GroupCommitTest.awaitWaiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.RecoveryMode;
import dev.memtable.SyncPolicy;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A failed fsync or write fails the log for good: no later call ever reports success, under
 * every {@link SyncPolicy} (each gets its own write path: write-through, or gathered in a
 * buffer).
 */
class FailureTest {

    @TempDir
    Path dir;

    private final FaultyFs fs = new FaultyFs();

    @ParameterizedTest
    @EnumSource(SyncPolicy.class)
    void sync_fsyncFails_everyLaterCallFailsWithTheCauseAndNothingIsRetried(SyncPolicy policy)
            throws IOException {
        Path file = dir.resolve("fsync.wal");
        Wal wal = fs.provider().create(file, WalOptions.defaults().withSyncPolicy(policy));
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

    @ParameterizedTest
    @EnumSource(SyncPolicy.class)
    void syncTo_fsyncFailsWhileOthersWait_everyWaiterGetsTheError(SyncPolicy policy)
            throws Exception {
        Path file = dir.resolve("waiters.wal");
        Wal wal = fs.provider().create(file, WalOptions.defaults().withSyncPolicy(policy));
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

    @ParameterizedTest
    @EnumSource(value = SyncPolicy.class, names = {"EVERY_WRITE", "BUFFERED"})
    void sync_bufferWriteFailsPartWay_logFailsAndRecoveryKeepsOnlyWhatWasWritten(
            SyncPolicy policy) throws IOException {
        Path file = dir.resolve("buffer.wal");
        Wal wal = fs.provider().create(file, WalOptions.defaults().withSyncPolicy(policy));
        Logs.Rec kept = new Logs.Rec(1,
                new WriteBatch().put(Bytes.ofUtf8("kept"), Bytes.ofUtf8("v")));
        Logs.append(wal, List.of(kept));
        wal.sync();
        long end = wal.position();
        // Three records gathered in the buffer (acknowledged under BUFFERED), none in the file.
        for (int i = 0; i < 3; i++) {
            wal.append(Bytes.ofUtf8("lost" + i), Bytes.ofUtf8("value"), 2 + i);
        }
        long appended = wal.position();
        assertEquals(end, java.nio.file.Files.size(file), "a gathered record reached the file"
                + " before a sync or a full buffer");
        fs.failWriteAt = end + 10;
        int forces = fs.fileForces.get();
        IOException e = assertThrows(IOException.class, wal::sync);
        Throwable injected = e.getCause();
        assertTrue(injected.getMessage().contains("injected write failure"), injected.toString());
        assertEquals(forces, fs.fileForces.get(), "fsynced after the write of the buffer failed");
        fs.failWriteAt = Long.MAX_VALUE;
        assertEquals(appended, wal.position());
        assertFailedWith(injected, wal::sync);
        assertFailedWith(injected, () -> wal.syncTo(end));
        assertFailedWith(injected, () -> wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"), 9));
        assertFailedWith(injected,
                () -> wal.append(new WriteBatch().put(Bytes.ofUtf8("k"), Bytes.ofUtf8("v")), 9));
        assertFailedWith(injected, wal::close);
        assertEquals(appended, wal.position(), "a failed log took an append");

        // The buffer was not written again (by close, say): only its first 10 bytes are there.
        assertEquals(end + 10, java.nio.file.Files.size(file));
        Logs.Recovered r = Logs.recover(FaultyFs.fast().provider(), file,
                RecoveryMode.TOLERATE_TORN_TAIL, false);
        assertEquals(Logs.expected(List.of(kept)), r.ok());
        assertEquals(end, r.reports().get(0).offset());
        assertEquals(10, r.reports().get(0).length());
    }

    @Test
    void append_bufferedWriteOutOfAFullBufferFails_thatAppendFailsWithNothingOfItInTheFile()
            throws IOException {
        Path file = dir.resolve("full.wal");
        Wal wal = fs.provider().create(file,
                WalOptions.defaults().withSyncPolicy(SyncPolicy.BUFFERED));
        long start = wal.position();
        // 60 KiB values: four fit in the 256 KiB buffer, the fifth does not.
        byte[] big = new byte[60 * 1024];
        List<Logs.Rec> acknowledged = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            big[0] = (byte) i;
            Logs.Rec rec = new Logs.Rec(1 + i,
                    new WriteBatch().put(Bytes.ofUtf8("k" + i), Bytes.copyOf(big)));
            acknowledged.add(rec);
            Logs.append(wal, List.of(rec));
        }
        long appended = wal.position();
        assertTrue(appended - start <= FileWal.BUFFERED_CAPACITY);
        assertEquals(start, java.nio.file.Files.size(file), "the buffer was written early");
        // The write-out of the full buffer, forced by the fifth append, fails half-way.
        long cut = start + (appended - start) / 2;
        fs.failWriteAt = cut;
        IOException e = assertThrows(IOException.class,
                () -> wal.append(Bytes.ofUtf8("k4"), Bytes.copyOf(big), 5));
        Throwable injected = e.getCause();
        assertTrue(injected.getMessage().contains("injected write failure"), injected.toString());
        fs.failWriteAt = Long.MAX_VALUE;
        assertEquals(appended, wal.position(), "the failed append took a position");
        assertFailedWith(injected, wal::sync);
        assertFailedWith(injected, wal::close);

        // What reached the file is a prefix of the acknowledged records; the fifth is absent.
        assertEquals(cut, java.nio.file.Files.size(file));
        Logs.Recovered r = Logs.recover(FaultyFs.fast().provider(), file,
                RecoveryMode.TOLERATE_TORN_TAIL, false);
        List<Logs.Rec> prefix = acknowledged.subList(0, r.ok().size());
        assertEquals(Logs.expected(prefix), r.ok());
        assertTrue(r.ok().size() >= 1 && r.ok().size() < 4, r.ok().size() + " records");
    }

    private static void assertFailedWith(Throwable cause, Executable call) {
        IOException e = assertThrows(IOException.class, call);
        assertSame(cause, e.getCause(), "wrong cause: " + e);
    }
}
