package dev.memtable.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.SyncPolicy;
import dev.memtable.WalCorruptionException;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules {@code wal01}–{@code wal10}: a backend that declares {@link Capability#WAL} survives a
 * restart through {@link MemTableProvider#createWithWal} and {@link MemTableProvider#recoverFromWal}
 * with the write-ahead log implementation found on the module or class path (the
 * {@code dev.memtable.wal} module; a backend's test scope needs it). Backends without the
 * capability see every rule skipped with the reason.
 *
 * <p>Each rule works in its own temporary directory and closes every table it opens. When one
 * fails, first check that exactly one write-ahead log implementation is on the test path, then
 * that the backend's provider extends {@link dev.memtable.spi.AbstractMemTableProvider} (which
 * writes the log plumbing once) or replays the log through its own {@code put} path.
 */
public interface WalRules extends ContractSupport {

    /**
     * <b>wal01</b>: a table created with a log, written, closed and recovered holds exactly the
     * same entries: binary and empty keys, overwrites, a long key and a large value included.
     * <p>If it fails: compare the scans; a missing entry means a write was not logged, a wrong
     * value that replay applied records out of order.
     */
    @Test
    default void optional_wal01_roundTripRecoversEveryEntry(@TempDir Path dir)
            throws IOException {
        MemTableProvider backend = walBackend();
        Path log = dir.resolve("wal01.log");
        List<Map.Entry<Bytes, Bytes>> written;
        try (MemTable table = backend.createWithWal(1, log)) {
            table.put(Bytes.ofUtf8("alpha"), Bytes.ofUtf8("1"));
            table.put(Bytes.EMPTY, Bytes.ofUtf8("the empty key"));
            table.put(Bytes.wrap(new byte[] {(byte) 0xff, 0}), Bytes.ofUtf8("high byte"));
            table.put(Bytes.wrap(new byte[] {0x7f}), Bytes.ofUtf8("low byte"));
            table.put(Bytes.ofUtf8("alpha"), Bytes.ofUtf8("2"));
            table.put(Bytes.wrap(new byte[MemTable.MAX_KEY_LENGTH]), pattern(1 << 20));
            written = contents(table);
        }
        try (MemTable recovered = backend.recoverFromWal(1, log)) {
            assertEquals(written, contents(recovered), "contents after recoverFromWal");
            assertEquals(Optional.of(Bytes.ofUtf8("2")), recovered.get(Bytes.ofUtf8("alpha")),
                    "get(alpha) after recovery: the later of two puts must win");
        }
    }

    /**
     * <b>wal02</b>: recovery can be repeated: recovering, closing and recovering again gives the
     * same contents and the same size, and the recovered table has the id it was recovered with.
     * <p>If it fails: recovery or close must not change what the log holds; replay must not
     * write the replayed records to the log again.
     */
    @Test
    default void optional_wal02_recoveryIsRepeatable(@TempDir Path dir) throws IOException {
        MemTableProvider backend = walBackend();
        Path log = dir.resolve("wal02.log");
        try (MemTable table = backend.createWithWal(7, log)) {
            for (int i = 0; i < 100; i++) {
                table.put(Bytes.ofUtf8("key" + i), Bytes.ofUtf8("value" + i));
            }
        }
        List<Map.Entry<Bytes, Bytes>> first;
        long size;
        try (MemTable once = backend.recoverFromWal(8, log)) {
            assertEquals(8, once.id(), "id() of a recovered table");
            first = contents(once);
            size = once.approximateSize();
            assertEquals(100, first.size(), "entries after the first recovery");
        }
        try (MemTable twice = backend.recoverFromWal(9, log)) {
            assertEquals(first, contents(twice), "contents after a second recovery");
            assertEquals(size, twice.approximateSize(), "approximateSize() after a second"
                    + " recovery (the first recovery must not have added to the log)");
        }
    }

    /**
     * <b>wal03</b>: {@code approximateSize()} is rebuilt: after recovery it equals the size the
     * table had when it was closed, overwrites, deletes and batches included.
     * <p>If it fails: replay must count every replayed write, as the original writes did.
     */
    @Test
    default void optional_wal03_approximateSizeIsRebuilt(@TempDir Path dir) throws IOException {
        MemTableProvider backend = walBackend();
        Path log = dir.resolve("wal03.log");
        long size;
        try (MemTable table = backend.createWithWal(1, log)) {
            table.put(Bytes.ofUtf8("k"), Bytes.ofUtf8("first"));
            table.put(Bytes.ofUtf8("k"), Bytes.ofUtf8("second"));
            table.delete(Bytes.ofUtf8("k"));
            table.delete(Bytes.ofUtf8("never-written"));
            table.write(new WriteBatch().put(Bytes.ofUtf8("b1"), Bytes.ofUtf8("v"))
                    .delete(Bytes.ofUtf8("b2")));
            size = table.approximateSize();
            assertTrue(size > 0, "approximateSize() after writes");
        }
        try (MemTable recovered = backend.recoverFromWal(1, log)) {
            assertEquals(size, recovered.approximateSize(), "approximateSize() after recovery");
        }
    }

    /**
     * <b>wal04</b>: a batch is one log record, recovered wholly or not at all: with the log cut
     * off inside the last batch's record (as a crash mid-append leaves it), recovery keeps every
     * earlier write and none of the batch.
     * <p>If it fails with some of the batch present: the batch was logged as several records.
     */
    @Test
    default void optional_wal04_tornBatchIsNotHalfApplied(@TempDir Path dir) throws IOException {
        MemTableProvider backend = walBackend();
        Path log = dir.resolve("wal04.log");
        long before;
        long after;
        long sizeBefore;
        try (MemTable table = backend.createWithWal(1, log)) {
            table.put(Bytes.ofUtf8("a"), Bytes.ofUtf8("old a"));
            table.put(Bytes.ofUtf8("b"), Bytes.ofUtf8("old b"));
            sizeBefore = table.approximateSize();
            before = Files.size(log);
            table.write(new WriteBatch()
                    .put(Bytes.ofUtf8("a"), Bytes.ofUtf8("new a"))
                    .delete(Bytes.ofUtf8("b"))
                    .put(Bytes.ofUtf8("c"), pattern(2000))
                    .put(Bytes.ofUtf8("d"), Bytes.ofUtf8("new d")));
            after = Files.size(log);
        }
        assertTrue(after > before, "the batch must be in the log file once write() returns");
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate((before + after) / 2);
        }
        try (MemTable recovered = backend.recoverFromWal(1, log)) {
            assertEquals(List.of(
                    entry("a", Bytes.ofUtf8("old a")), entry("b", Bytes.ofUtf8("old b"))),
                    contents(recovered), "contents after recovering a log cut inside a batch");
            assertEquals(sizeBefore, recovered.approximateSize(),
                    "approximateSize() must not count the lost batch");
        }
    }

    /**
     * <b>wal05</b>: tombstones survive recovery: a deleted key (written before or not) is still a
     * tombstone afterwards, so it keeps shadowing older data.
     * <p>If it fails with {@code Optional.empty()}: replay dropped deletes instead of storing the
     * empty value.
     */
    @Test
    default void optional_wal05_tombstonesSurviveRecovery(@TempDir Path dir) throws IOException {
        MemTableProvider backend = walBackend();
        Path log = dir.resolve("wal05.log");
        try (MemTable table = backend.createWithWal(1, log)) {
            table.put(Bytes.ofUtf8("gone"), Bytes.ofUtf8("v"));
            table.delete(Bytes.ofUtf8("gone"));
            table.delete(Bytes.ofUtf8("never"));
            table.write(new WriteBatch().delete(Bytes.ofUtf8("batch")));
        }
        try (MemTable recovered = backend.recoverFromWal(1, log)) {
            for (String k : List.of("gone", "never", "batch")) {
                assertEquals(Optional.of(Bytes.EMPTY), recovered.get(Bytes.ofUtf8(k)),
                        "get(" + k + ") after recovery must be the tombstone");
            }
            assertEquals(List.of(entry("batch", Bytes.EMPTY), entry("gone", Bytes.EMPTY),
                    entry("never", Bytes.EMPTY)), contents(recovered), "scan after recovery");
        }
    }

    /**
     * <b>wal06</b>: a recovered table keeps logging: writes made after recovery survive a second
     * recovery, together with the recovered ones.
     * <p>If it fails: the recovered table must be attached to the reopened log.
     */
    @Test
    default void optional_wal06_recoveredTableKeepsLogging(@TempDir Path dir) throws IOException {
        MemTableProvider backend = walBackend();
        Path log = dir.resolve("wal06.log");
        try (MemTable table = backend.createWithWal(1, log)) {
            table.put(Bytes.ofUtf8("before"), Bytes.ofUtf8("1"));
        }
        try (MemTable recovered = backend.recoverFromWal(1, log)) {
            recovered.put(Bytes.ofUtf8("after"), Bytes.ofUtf8("2"));
            recovered.delete(Bytes.ofUtf8("before"));
            recovered.syncWal();
        }
        try (MemTable again = backend.recoverFromWal(1, log)) {
            assertEquals(List.of(entry("after", Bytes.ofUtf8("2")), entry("before", Bytes.EMPTY)),
                    contents(again), "contents after a second recovery");
        }
    }

    /**
     * <b>wal07</b>: {@code createWithWal} on an existing file fails with
     * {@link FileAlreadyExistsException} and leaves the file as it was: it never overwrites a log.
     * <p>If it fails: the log must be created with {@code CREATE_NEW}.
     */
    @Test
    default void optional_wal07_createOnExistingFileFails(@TempDir Path dir) throws IOException {
        MemTableProvider backend = walBackend();
        Path log = Files.write(dir.resolve("wal07.log"), new byte[] {1, 2, 3});
        assertThrows(FileAlreadyExistsException.class, () -> backend.createWithWal(1, log)
                .close(), "createWithWal on an existing file");
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(log),
                "the existing file must be unchanged");
    }

    /**
     * <b>wal08</b>: {@code recoverFromWal} on a missing file fails with
     * {@link NoSuchFileException} and creates nothing.
     * <p>If it fails: recovery must open the log without {@code CREATE}.
     */
    @Test
    default void optional_wal08_recoverMissingFileFails(@TempDir Path dir) {
        MemTableProvider backend = walBackend();
        Path log = dir.resolve("wal08.log");
        assertThrows(NoSuchFileException.class, () -> backend.recoverFromWal(1, log).close(),
                "recoverFromWal on a missing file");
        assertFalse(Files.exists(log), "a failed recovery must not create the file");
    }

    /**
     * <b>wal09</b>: with {@link SyncPolicy#EVERY_WRITE}, concurrent writers (each write waiting
     * for its own fsync) lose nothing: every write is recovered, and where the writers raced on
     * shared keys the recovered table holds what the table held at close (the log order of two
     * writes to one key is their memory order).
     * <p>If it fails or hangs: look at how writes wait for the log's {@code syncTo}, and that a
     * write changes memory before another write to its key can append.
     */
    @Test
    default void optional_wal09_everyWritePolicyWithConcurrentWriters(@TempDir Path dir)
            throws Exception {
        MemTableProvider backend = walBackend();
        Assumptions.assumeTrue(backend.capabilities().contains(Capability.CONCURRENT_WRITES),
                () -> "backend '" + backend.name() + "' does not declare"
                        + " Capability.CONCURRENT_WRITES; this rule needs it, so it is skipped");
        Path log = dir.resolve("wal09.log");
        int threads = 4;
        int perThread = 50;
        WalOptions everyWrite = WalOptions.defaults().withSyncPolicy(SyncPolicy.EVERY_WRITE);
        List<Map.Entry<Bytes, Bytes>> atClose;
        try (MemTable table = backend.createWithWal(1, log, everyWrite)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            table.put(Bytes.ofUtf8(thread + "/" + i), Bytes.ofUtf8("v" + i));
                            if (i % 5 == 0) {
                                table.put(Bytes.ofUtf8("shared" + i % 3),
                                        Bytes.ofUtf8(thread + "/" + i));
                            }
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            atClose = contents(table);
        }
        try (MemTable recovered = backend.recoverFromWal(1, log)) {
            assertEquals(threads * perThread + 3, contents(recovered).size(),
                    "entries recovered after concurrent EVERY_WRITE puts");
            assertEquals(atClose, contents(recovered), "the recovered table against the table"
                    + " at close");
            assertEquals(Optional.of(Bytes.ofUtf8("v49")), recovered.get(Bytes.ofUtf8("3/49")),
                    "get(3/49) after recovery");
        }
    }

    /**
     * <b>wal10</b>: in the default recovery mode, a log damaged in the middle (bytes spoilt with
     * intact records after them, as bit rot or a bad sector leaves it) is refused with
     * {@link WalCorruptionException}, and the file is left as it was, for salvage. Only a
     * damaged <em>end</em> is what a crash leaves and may be dropped.
     * <p>If it fails: {@code recoverFromWal} must hand the caller's options to the log and let
     * its {@code WalCorruptionException} through: no retry in {@code SALVAGE} mode, no fresh
     * log in place of the damaged one.
     */
    @Test
    default void optional_wal10_damageBeforeIntactRecordsIsRefused(@TempDir Path dir)
            throws IOException {
        MemTableProvider backend = walBackend();
        Path log = dir.resolve("wal10.log");
        try (MemTable table = backend.createWithWal(1, log)) {
            for (int i = 0; i < 16; i++) {
                table.put(Bytes.ofUtf8("key" + i), pattern(1000 + i));
            }
        }
        byte[] damaged = Files.readAllBytes(log);
        int middle = damaged.length / 2;
        for (int i = middle; i < middle + 16; i++) {
            damaged[i] ^= (byte) 0x5a;
        }
        Files.write(log, damaged);
        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> backend.recoverFromWal(1, log).close(), "recoverFromWal (default mode) of"
                        + " a log with 16 bytes spoilt in the middle of " + damaged.length);
        assertEquals(log.toAbsolutePath().normalize(), e.file().toAbsolutePath().normalize(),
                "the file named by the WalCorruptionException");
        assertArrayEquals(damaged, Files.readAllBytes(log),
                "the damaged log must be left as it was by the refused recovery");
    }

    // ------------------------------------------------------------------ helpers

    /** The backend under test, after skipping the rule unless it declares {@link Capability#WAL}. */
    private MemTableProvider walBackend() {
        MemTableProvider backend = testedProvider();
        Assumptions.assumeTrue(backend.capabilities().contains(Capability.WAL),
                () -> "backend '" + backend.name() + "' does not declare Capability.WAL in"
                        + " capabilities(); this rule needs it, so it is skipped");
        return backend;
    }

    private static List<Map.Entry<Bytes, Bytes>> contents(MemTable table) {
        List<Map.Entry<Bytes, Bytes>> out = new ArrayList<>();
        try (MemTableIterator it = table.scan(Bound.unbounded(), Bound.unbounded())) {
            for (; it.isValid(); it.next()) {
                out.add(new AbstractMap.SimpleImmutableEntry<>(it.key(), it.value()));
            }
        }
        return out;
    }

    private static Map.Entry<Bytes, Bytes> entry(String key, Bytes value) {
        return new AbstractMap.SimpleImmutableEntry<>(Bytes.ofUtf8(key), value);
    }

    private static Bytes pattern(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 131 + 17);
        }
        return Bytes.wrap(b);
    }
}
