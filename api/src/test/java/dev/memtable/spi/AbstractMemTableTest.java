package dev.memtable.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.SyncPolicy;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The write-ahead-log plumbing of {@link AbstractMemTable}, against a scripted log: write-ahead
 * order, failure atomicity, sync policy, and that log order equals memory order per key.
 */
class AbstractMemTableTest {

    private static final Bytes K = Bytes.ofUtf8("k");
    private static final Bytes V = Bytes.ofUtf8("v");

    /** A log that records its records, with their sequences, in order and can be told to fail. */
    static final class ScriptedWal implements Wal {
        final List<WriteBatch> records = new ArrayList<>();
        /** The sequence of each record, parallel to {@link #records}. */
        final List<Long> sequences = new ArrayList<>();
        volatile boolean failAppend;
        volatile boolean failSync;
        volatile boolean failClose;
        final AtomicInteger syncs = new AtomicInteger();
        long durable;
        boolean closed;

        @Override
        public Path path() {
            return Path.of("scripted.wal");
        }

        @Override
        public long append(Bytes key, Bytes value, long sequence) throws IOException {
            return append(new WriteBatch().put(key, value), sequence);
        }

        @Override
        public long append(WriteBatch batch, long sequence) throws IOException {
            if (failAppend) {
                throw new IOException("injected append failure");
            }
            WriteBatch copy = new WriteBatch();
            batch.entries().forEach(e -> copy.put(e.key(), e.value()));
            long position;
            synchronized (this) {
                records.add(copy);
                sequences.add(sequence);
                position = records.size();
            }
            // Widen the window between append and apply, where a missing lock would let another
            // writer of the same key overtake this one.
            if (ThreadLocalRandom.current().nextInt(16) == 0) {
                LockSupport.parkNanos(20_000);
            }
            return position;
        }

        @Override
        public synchronized void syncTo(long position) throws IOException {
            if (failSync) {
                throw new IOException("injected fsync failure");
            }
            syncs.incrementAndGet();
            durable = Math.max(durable, position);
        }

        @Override
        public synchronized void sync() throws IOException {
            syncTo(records.size());
        }

        @Override
        public synchronized long position() {
            return records.size();
        }

        @Override
        public synchronized void close() throws IOException {
            if (failClose) {
                throw new IOException("injected final fsync failure");
            }
            closed = true;
        }
    }

    private static MapTable withLog(ScriptedWal log, SyncPolicy policy) {
        MapTable table = new MapTable(7);
        table.attachWal(log, WalOptions.defaults().withSyncPolicy(policy));
        return table;
    }

    @Test
    void put_appendsBeforeApplying() {
        ScriptedWal log = new ScriptedWal();
        MapTable table = withLog(log, SyncPolicy.EXPLICIT);
        table.put(K, V);
        table.delete(K);
        assertEquals(2, log.records.size());
        assertEquals(Optional.of(Bytes.EMPTY), table.get(K));
        assertEquals(0, log.syncs.get(), "EXPLICIT must not sync per write");
    }

    @Test
    void put_failedAppend_leavesTableUnchanged() {
        ScriptedWal log = new ScriptedWal();
        MapTable table = withLog(log, SyncPolicy.EXPLICIT);
        log.failAppend = true;
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> table.put(K, V));
        assertTrue(e.getMessage().contains("scripted.wal"), e.getMessage());
        assertEquals(Optional.empty(), table.get(K));
        assertEquals(0, table.approximateSize());
        assertTrue(table.isEmpty());
    }

    @Test
    void write_failedAppend_leavesTableUnchanged() {
        ScriptedWal log = new ScriptedWal();
        MapTable table = withLog(log, SyncPolicy.EXPLICIT);
        log.failAppend = true;
        WriteBatch batch = new WriteBatch().put(K, V).put(V, K);
        assertThrows(UncheckedIOException.class, () -> table.write(batch));
        assertTrue(table.isEmpty());
        assertEquals(0, table.approximateSize());
    }

    @Test
    void put_everyWrite_syncsBeforeApplying_andFailedSyncLeavesTableUnchanged() {
        ScriptedWal log = new ScriptedWal();
        MapTable table = withLog(log, SyncPolicy.EVERY_WRITE);
        table.put(K, V);
        assertEquals(1, log.syncs.get());
        assertEquals(1, log.durable);
        log.failSync = true;
        assertThrows(UncheckedIOException.class, () -> table.put(V, V));
        assertEquals(Optional.empty(), table.get(V));
        assertEquals(2 + MemTable.VERSION_BYTES, table.approximateSize());
    }

    @Test
    void write_emptyBatch_writesNoRecord() {
        ScriptedWal log = new ScriptedWal();
        MapTable table = withLog(log, SyncPolicy.EVERY_WRITE);
        table.write(new WriteBatch());
        assertTrue(log.records.isEmpty());
        assertEquals(0, log.syncs.get());
    }

    @Test
    void writes_logOrderEqualsMemoryOrderPerKey() throws Exception {
        ScriptedWal log = new ScriptedWal();
        MapTable table = withLog(log, SyncPolicy.EXPLICIT);
        // Every thread writes every key once, in the same order, so the last write of each key is
        // a race between threads: the log's last record for a key must be the value memory kept.
        int threads = 4;
        int keys = 3_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < keys; i++) {
                    Bytes key = Bytes.ofUtf8("key" + i);
                    Bytes value = Bytes.ofUtf8("thread" + id);
                    if (i % 5 == 0) {
                        table.write(new WriteBatch().put(key, value)
                                .put(Bytes.ofUtf8("key" + (i + 1)), value));
                    } else {
                        table.put(key, value);
                    }
                }
            });
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        TreeMap<Bytes, Bytes> replayed = new TreeMap<>();
        TreeMap<Bytes, Long> lastLogged = new TreeMap<>();
        List<String> descending = new ArrayList<>();
        for (int r = 0; r < log.records.size(); r++) {
            long sequence = log.sequences.get(r);
            for (WriteBatch.Entry e : log.records.get(r).entries()) {
                replayed.put(e.key(), e.value());
                Long before = lastLogged.put(e.key(), sequence);
                if (before != null && before >= sequence) {
                    descending.add(e.key() + ": " + before + " then " + sequence);
                }
            }
        }
        List<String> differences = new ArrayList<>();
        replayed.forEach((key, value) -> {
            if (!value.equals(table.newest(key))) {
                differences.add(key + ": log says " + value + ", memory has " + table.newest(key));
            }
        });
        assertEquals(replayed.size(), table.map.size());
        assertTrue(differences.isEmpty(), "replaying the log must rebuild exactly the table; "
                + differences.size() + " keys differ, e.g. "
                + differences.subList(0, Math.min(3, differences.size())));
        assertTrue(descending.isEmpty(), "the log order of a key's records must be its sequence"
                + " order; " + descending.size() + " are not, e.g. "
                + descending.subList(0, Math.min(3, descending.size())));
        // Recovery hands every record back with its sequence: the versions come back exactly.
        MapTable recovered = new MapTable(8);
        for (int r = 0; r < log.records.size(); r++) {
            recovered.applyRecovered(log.sequences.get(r), log.records.get(r));
        }
        assertEquals(versionsOf(table), versionsOf(recovered));
        assertEquals(table.lastSequence(), recovered.lastSequence());
        assertEquals(table.approximateSize(), recovered.approximateSize());
    }

    /** Every version of {@code table} as "key@sequence=value", in iteration order. */
    static List<String> versionsOf(MemTable table) {
        List<String> out = new ArrayList<>();
        try (MemTableIterator it = table.versions(Bound.unbounded(), Bound.unbounded())) {
            for (; it.isValid(); it.next()) {
                out.add(it.key().toUtf8String() + "@" + it.sequence() + "="
                        + it.value().toUtf8String());
            }
        }
        return out;
    }

    @Test
    void close_closesTheLogOnce_andBlocksFurtherUse() throws IOException {
        ScriptedWal log = new ScriptedWal();
        MapTable table = withLog(log, SyncPolicy.EXPLICIT);
        table.put(K, V);
        MemTableIterator it = table.scan(Bound.unbounded(), Bound.unbounded());
        table.close();
        table.close();
        assertTrue(log.closed);
        assertEquals(7, table.id());
        assertThrows(IllegalStateException.class, () -> table.get(K));
        assertThrows(IllegalStateException.class, table::syncWal);
        assertFalse(it.isValid());
        assertThrows(IllegalStateException.class, it::key);
        assertThrows(IllegalStateException.class, it::next);
    }

    @Test
    void seal_closesTheLogRefusesWritesAndKeepsReads() throws IOException {
        ScriptedWal log = new ScriptedWal();
        MapTable table = withLog(log, SyncPolicy.EXPLICIT);
        table.put(K, V);
        table.seal();
        assertTrue(log.closed, "sealing closes the log");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> table.put(V, V));
        assertEquals("memtable 7 is sealed: it takes no more writes (reads still work)",
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> table.delete(K));
        assertThrows(IllegalStateException.class,
                () -> table.write(new WriteBatch().put(V, V)));
        assertEquals(1, log.records.size(), "a refused write logs nothing");
        assertEquals(Optional.of(V), table.get(K));
        assertEquals(2 + MemTable.VERSION_BYTES, table.approximateSize());
        table.syncWal();
        table.seal();
        table.close();
        assertThrows(IllegalStateException.class, table::seal, "closed");
    }

    @Test
    void seal_failedFinalSyncIsReportedBySealAndSyncWal() {
        ScriptedWal log = new ScriptedWal();
        MapTable table = withLog(log, SyncPolicy.EXPLICIT);
        table.put(K, V);
        log.failClose = true;
        IOException e = assertThrows(IOException.class, table::seal);
        assertTrue(e.getMessage().contains("scripted.wal of memtable 7 failed when the table was"
                + " sealed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> table.put(V, V), "sealed all the same");
        assertThrows(IOException.class, table::syncWal, "a failed seal stays reported");
        assertThrows(IOException.class, table::seal);
        assertEquals(Optional.of(V), table.get(K));
    }

    @Test
    void seal_withoutLogRefusesWrites() throws IOException {
        MapTable table = new MapTable(3);
        table.put(K, V);
        table.seal();
        assertThrows(IllegalStateException.class, () -> table.put(K, V));
        assertEquals(Optional.of(V), table.get(K));
        table.syncWal();
    }

    @Test
    void attachWal_twice_isRefused() {
        MapTable table = withLog(new ScriptedWal(), SyncPolicy.EXPLICIT);
        assertThrows(IllegalStateException.class,
                () -> table.attachWal(new ScriptedWal(), WalOptions.defaults()));
    }

    @Test
    void scan_emptyRange_isEmpty_andInvalidOrClosedAccessThrows() {
        MapTable table = new MapTable(1);
        table.put(K, V);
        MemTableIterator empty = table.scan(Bound.excluded(K), Bound.excluded(K));
        assertFalse(empty.isValid());
        empty.close();
        assertThrows(IllegalStateException.class, empty::key, "closed, even when empty");
        MemTableIterator it = table.scan(Bound.included(K), Bound.included(K));
        assertTrue(it.isValid());
        it.next();
        assertFalse(it.isValid());
        it.next();
        assertThrows(NoSuchElementException.class, it::key);
        it.close();
        assertThrows(IllegalStateException.class, it::value);
    }
}
