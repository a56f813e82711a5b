package dev.memtable.spi;

import static dev.memtable.MemTable.MAX_SEQUENCE;
import static dev.memtable.MemTable.VERSION_BYTES;
import static dev.memtable.spi.AbstractMemTableTest.versionsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.RecoveryMode;
import dev.memtable.SyncPolicy;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.AbstractMemTableTest.ScriptedWal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The sequence numbers of {@link AbstractMemTable}: which sequence an unversioned write takes,
 * what {@code lastSequence()} reports, what a refused or invalid write leaves behind, exhaustion
 * at {@link MemTable#MAX_SEQUENCE}, recovery, size accounting and what the log is told.
 */
class AbstractMemTableSequenceTest {

    private static final Bytes K = Bytes.ofUtf8("k");
    private static final Bytes J = Bytes.ofUtf8("j");
    private static final Bytes V = Bytes.ofUtf8("v");
    private static final Bytes W = Bytes.ofUtf8("w");

    private static MapTable withLog(ScriptedWal log) {
        MapTable table = new MapTable(7);
        table.attachWal(log, WalOptions.defaults().withSyncPolicy(SyncPolicy.EXPLICIT));
        return table;
    }

    /** The sequence of the newest version of {@code key}. */
    private static long sequenceOf(MemTable table, Bytes key) {
        try (MemTableIterator it = table.scan(Bound.included(key), Bound.included(key))) {
            assertTrue(it.isValid(), "no version of " + key);
            return it.sequence();
        }
    }

    // ------------------------------------------------------------ which sequence a write takes

    @Test
    void unversionedWrites_takeLastSequencePlusOne() {
        MapTable table = new MapTable(1);
        assertEquals(0, table.lastSequence(), "an empty table holds no sequence");
        table.put(K, V);
        assertEquals(1, table.lastSequence());
        assertEquals(1, sequenceOf(table, K));
        table.delete(J);
        assertEquals(2, table.lastSequence());
        assertEquals(2, sequenceOf(table, J));
        table.write(new WriteBatch().put(K, W));
        assertEquals(3, table.lastSequence());
        assertEquals(3, sequenceOf(table, K));
        table.write(new WriteBatch());
        assertEquals(3, table.lastSequence(), "an empty batch takes no sequence");
        table.put(J, V);
        assertEquals(4, sequenceOf(table, J));
        assertEquals(List.of("j@4=v", "j@2=", "k@3=w", "k@1=v"), versionsOf(table));
    }

    @Test
    void unversionedWrite_afterVersionedWriteAt100_takes101() {
        MapTable table = new MapTable(1);
        table.put(K, V, 100);
        table.put(J, V);
        assertEquals(101, sequenceOf(table, J));
        table.delete(K, 5); // an older version: the counter does not go down
        table.delete(J);
        assertEquals(102, sequenceOf(table, J));
        table.write(new WriteBatch().put(K, W), 200);
        table.write(new WriteBatch().put(J, W));
        assertEquals(201, sequenceOf(table, J));
        assertEquals(201, table.lastSequence());
    }

    @Test
    void lastSequence_isTheHighestApplied_notTheLastWritten() {
        MapTable table = new MapTable(1);
        table.put(K, V, 50);
        table.put(J, V, 10);
        assertEquals(50, table.lastSequence());
        table.delete(K, 20);
        assertEquals(50, table.lastSequence());
        assertEquals(Optional.of(V), table.get(K), "the highest sequence is the newest version");
        assertEquals(Optional.of(Bytes.EMPTY), table.get(K, 49));
        assertEquals(Optional.empty(), table.get(K, 19));
        assertEquals(Optional.empty(), table.get(J, 9));
        assertEquals(Optional.of(V), table.get(J, 10));
        assertEquals(List.of("j@10=v", "k@50=v", "k@20="), versionsOf(table));
    }

    @Test
    void lastSequence_isRaisedOnlyOnceTheVersionIsThere() throws Exception {
        CountDownLatch inDoPut = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingTable table = new BlockingTable(inDoPut, release);
        Thread writer = new Thread(() -> table.put(K, V, 5));
        writer.start();
        try {
            assertTrue(inDoPut.await(10, TimeUnit.SECONDS));
            assertEquals(0, table.lastSequence(),
                    "lastSequence must not name a version the backend has not applied yet");
        } finally {
            release.countDown();
            writer.join();
        }
        assertEquals(5, table.lastSequence());
    }

    @Test
    void unversionedWrites_fromManyThreads_takeDistinctConsecutiveSequences() throws Exception {
        MapTable table = new MapTable(1);
        int threads = 4;
        int each = 2_000;
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
                for (int i = 0; i < each; i++) {
                    if (i % 3 == 0) {
                        table.write(new WriteBatch().put(Bytes.ofUtf8(id + "/" + i), V));
                    } else {
                        table.put(Bytes.ofUtf8(id + "/" + i), V);
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
        TreeSet<Long> sequences = new TreeSet<>();
        try (MemTableIterator it = table.versions(Bound.unbounded(), Bound.unbounded())) {
            for (; it.isValid(); it.next()) {
                assertTrue(sequences.add(it.sequence()), "sequence " + it.sequence() + " twice");
            }
        }
        int total = threads * each;
        assertEquals(total, sequences.size());
        assertEquals(1, sequences.first());
        assertEquals(total, sequences.last(), "no gaps without failures");
        assertEquals(total, table.lastSequence());
    }

    // ------------------------------------------------------------ refused and invalid writes

    @Test
    void writeRefusedByTheLog_leavesLastSequenceAndSizeUnchanged_andItsSequenceUnused() {
        ScriptedWal log = new ScriptedWal();
        MapTable table = withLog(log);
        table.put(K, V);
        long size = table.approximateSize();
        log.failAppend = true;
        assertThrows(UncheckedIOException.class, () -> table.put(J, V));
        assertThrows(UncheckedIOException.class, () -> table.write(new WriteBatch().put(J, V)));
        assertEquals(1, table.lastSequence());
        assertEquals(size, table.approximateSize());
        assertEquals(Optional.empty(), table.get(J));
        assertEquals(List.of(1L), log.sequences);
        log.failAppend = false;
        // The refused writes took 2 and 3 before the log refused them, and nothing hands a taken
        // sequence back (AbstractMemTable's class Javadoc: "a gap, which is harmless"). What this
        // pins is the safe half: a refused sequence is never given to a later write, which
        // matters when the record did reach the file (see the failed-sync test below). That the
        // next is exactly 4 is this implementation: the put Javadoc's "lastSequence() + 1" (2)
        // holds only when no write was refused.
        table.put(J, W);
        assertEquals(4, sequenceOf(table, J));
        assertEquals(4, table.lastSequence());
        assertEquals(List.of(1L, 4L), log.sequences);
        assertEquals(List.of("j@4=w", "k@1=v"), versionsOf(table));
    }

    @Test
    void versionedWriteRefusedByTheLog_changesNothingVisible() {
        ScriptedWal log = new ScriptedWal();
        MapTable table = withLog(log);
        table.put(K, V, 3);
        log.failAppend = true;
        assertThrows(UncheckedIOException.class, () -> table.put(J, V, 9));
        assertThrows(UncheckedIOException.class,
                () -> table.write(new WriteBatch().put(J, V), 8));
        assertEquals(3, table.lastSequence());
        assertEquals(2 + VERSION_BYTES, table.approximateSize());
        assertEquals(Optional.empty(), table.get(J));
        log.failAppend = false;
        table.put(J, W);
        assertTrue(sequenceOf(table, J) > 9, "a refused versioned sequence is not reused: "
                + sequenceOf(table, J));
    }

    @Test
    void writeWhoseSyncFailed_doesNotGiveItsSequenceToTheNextWrite() {
        // The record reached the log; only its sync failed. Were its sequence reused, recovery
        // could find two different records with one sequence for the same key.
        ScriptedWal log = new ScriptedWal();
        MapTable table = new MapTable(7);
        table.attachWal(log, WalOptions.defaults().withSyncPolicy(SyncPolicy.EVERY_WRITE));
        log.failSync = true;
        assertThrows(UncheckedIOException.class, () -> table.put(K, V));
        assertEquals(0, table.lastSequence());
        assertEquals(Optional.empty(), table.get(K));
        log.failSync = false;
        table.put(K, W);
        assertEquals(List.of(1L, 2L), log.sequences, "the failed record kept 1; the next took 2");
        assertEquals(List.of("k@2=w"), versionsOf(table));
    }

    @Test
    void invalidSequences_throwNamingTheValue_andChangeNothing() {
        ScriptedWal log = new ScriptedWal();
        MapTable table = withLog(log);
        table.put(K, V, 5);
        long size = table.approximateSize();
        WriteBatch batch = new WriteBatch().put(J, V);
        for (long bad : new long[] {0, -1, MAX_SEQUENCE + 1, Long.MIN_VALUE, Long.MAX_VALUE}) {
            String name = "sequence " + bad + " is out of range";
            assertNamed(name, () -> table.put(J, V, bad));
            assertNamed(name, () -> table.delete(J, bad));
            assertNamed(name, () -> table.write(batch, bad));
        }
        for (long bad : new long[] {-1, Long.MIN_VALUE}) {
            String name = "read sequence " + bad + " is negative";
            assertNamed(name, () -> table.get(K, bad));
            assertNamed(name, () -> table.scan(Bound.unbounded(), Bound.unbounded(), bad));
            assertNamed(name, () -> table.scan(Bound.excluded(K), Bound.excluded(K), bad));
        }
        assertEquals(5, table.lastSequence());
        assertEquals(size, table.approximateSize());
        assertEquals(Optional.empty(), table.get(J));
        assertEquals(List.of(5L), log.sequences, "nothing logged");
        table.put(J, W);
        assertEquals(6, sequenceOf(table, J), "a refused sequence does not move the counter");
        // The read sequences at the edges are valid.
        assertEquals(Optional.empty(), table.get(K, 0), "0 is before every write");
        assertFalse(table.scan(Bound.unbounded(), Bound.unbounded(), 0).isValid());
        assertEquals(Optional.of(V), table.get(K, Long.MAX_VALUE));
    }

    private static void assertNamed(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    @Test
    void writesAtTheEdgesOfTheRange_areAccepted() {
        MapTable table = new MapTable(1);
        table.put(K, V, 1);
        table.put(K, W, MAX_SEQUENCE);
        assertEquals(MAX_SEQUENCE, table.lastSequence());
        assertEquals(Optional.of(V), table.get(K, MAX_SEQUENCE - 1));
        assertEquals(Optional.of(W), table.get(K, MAX_SEQUENCE));
    }

    // ------------------------------------------------------------ exhaustion

    @Test
    void afterAWriteAtMaxSequence_unversionedWritesThrowAndChangeNothing() {
        ScriptedWal log = new ScriptedWal();
        MapTable table = withLog(log);
        table.put(K, V, MAX_SEQUENCE);
        long size = table.approximateSize();
        for (int attempt = 0; attempt < 3; attempt++) { // stays exhausted, never wraps
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> table.put(J, V));
            assertTrue(e.getMessage().contains("MAX_SEQUENCE"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> table.delete(J));
            assertThrows(IllegalStateException.class,
                    () -> table.write(new WriteBatch().put(J, V)));
        }
        assertEquals(MAX_SEQUENCE, table.lastSequence());
        assertEquals(size, table.approximateSize());
        assertEquals(Optional.empty(), table.get(J));
        assertEquals(List.of(MAX_SEQUENCE), log.sequences, "nothing logged");
        // A versioned write at MAX_SEQUENCE still works: it replaces that version.
        table.put(K, W, MAX_SEQUENCE);
        assertEquals(Optional.of(W), table.get(K));
        assertEquals(List.of("k@" + MAX_SEQUENCE + "=w"), versionsOf(table));
        table.put(J, V, 7);
        assertEquals(Optional.of(V), table.get(J));
        assertThrows(IllegalStateException.class, () -> table.put(J, W), "still exhausted");
        assertEquals(MAX_SEQUENCE, table.lastSequence());
    }

    @Test
    void unversionedWrite_takesMaxSequenceItself_thenTheNextOneThrows() {
        MapTable table = new MapTable(1);
        table.put(K, V, MAX_SEQUENCE - 1);
        table.put(J, V);
        assertEquals(MAX_SEQUENCE, sequenceOf(table, J));
        assertThrows(IllegalStateException.class, () -> table.put(J, W));
        assertEquals(Optional.of(V), table.get(J));
    }

    // ------------------------------------------------------------ recovery

    @Test
    void applyRecovered_restoresVersionsAndLastSequence() {
        MapTable table = new MapTable(1);
        WriteBatch first = new WriteBatch().put(K, V).put(J, V);
        table.applyRecovered(5, first);
        table.applyRecovered(3, new WriteBatch().put(K, W)); // out of order, as a log may hold
        table.applyRecovered(9, new WriteBatch().delete(J));
        assertEquals(9, table.lastSequence());
        assertEquals(List.of("j@9=", "j@5=v", "k@5=v", "k@3=w"), versionsOf(table));
        assertEquals(Optional.of(V), table.get(K));
        assertEquals(Optional.of(W), table.get(K, 4));
        assertEquals(Optional.of(Bytes.EMPTY), table.get(J));
        assertEquals(Optional.of(V), table.get(J, 8));
        assertEquals(first.payloadBytes() + 2 + 1 + 4L * VERSION_BYTES, table.approximateSize());
        table.put(K, W);
        assertEquals(10, sequenceOf(table, K), "the next write is above every recovered one");
    }

    @Test
    void applyRecovered_refusesAnInvalidSequence() {
        MapTable table = new MapTable(1);
        for (long bad : new long[] {0, -1, MAX_SEQUENCE + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> table.applyRecovered(bad, new WriteBatch().put(K, V)));
            assertTrue(e.getMessage().contains("sequence " + bad), e.getMessage());
        }
        assertTrue(table.isEmpty());
        assertEquals(0, table.lastSequence());
    }

    @Test
    void recoverFromWal_replaysEveryRecordWithItsSequence_andTheNextWriteIsLoggedAbove()
            throws IOException {
        ScriptedWal reopened = new ScriptedWal();
        WalProvider logs = new ReplayingWal(reopened, replay -> {
            replay.replay(4, new WriteBatch().put(K, V));
            replay.replay(2, new WriteBatch().put(K, W).put(J, W));
            replay.replay(6, new WriteBatch().delete(K));
        });
        MemTable table = new MapProvider().withWalProvider(logs)
                .recoverFromWal(3, Path.of("3.wal"), WalOptions.defaults());
        assertEquals(6, table.lastSequence());
        assertEquals(List.of("j@2=w", "k@6=", "k@4=v", "k@2=w"), versionsOf(table));
        assertTrue(reopened.records.isEmpty(), "recovery does not log again");
        table.put(J, V);
        assertEquals(List.of(7L), reopened.sequences);
        table.close();
    }

    // ------------------------------------------------------------ size, log, batches

    @Test
    void approximateSize_countsVersionBytesPerEntry() {
        MapTable table = new MapTable(1);
        table.put(K, V);
        assertEquals(1 + 1 + VERSION_BYTES, table.approximateSize());
        table.delete(K);
        assertEquals(2 * (1 + VERSION_BYTES) + 1, table.approximateSize());
        table.put(K, W, 2); // replaces version 2: counted all the same
        assertEquals(2 * (1 + VERSION_BYTES) + 1 + (2 + VERSION_BYTES), table.approximateSize());
        long before = table.approximateSize();
        WriteBatch batch = new WriteBatch().put(Bytes.ofUtf8("abc"), Bytes.ofUtf8("de"))
                .delete(J).put(Bytes.ofUtf8("abc"), V);
        table.write(batch);
        assertEquals(before + batch.payloadBytes() + 3L * VERSION_BYTES, table.approximateSize());
        before = table.approximateSize();
        table.write(batch, 40);
        assertEquals(before + batch.payloadBytes() + 3L * VERSION_BYTES, table.approximateSize());
    }

    @Test
    void theLog_receivesTheSequenceEachWriteGot() {
        ScriptedWal log = new ScriptedWal();
        MapTable table = withLog(log);
        table.put(K, V);
        table.put(K, V, 100);
        table.delete(J);
        table.delete(J, 60);
        table.write(new WriteBatch().put(K, W).put(J, W));
        table.write(new WriteBatch().put(K, V), 50);
        table.put(J, V, 102); // the number the previous unversioned write took: replaces it
        assertEquals(List.of(1L, 100L, 101L, 60L, 102L, 50L, 102L), log.sequences);
        assertEquals(List.of("j@102=v", "j@101=", "j@60=", "k@102=w", "k@100=v", "k@50=v",
                "k@1=v"), versionsOf(table));
        assertEquals(List.of(2, 1), List.of(log.records.get(4).entries().size(),
                log.records.get(5).entries().size()), "a batch is one record");
    }

    @Test
    void write_givesEveryEntryOfABatchOneSequence() {
        MapTable table = new MapTable(1);
        table.put(Bytes.ofUtf8("a"), V, 10);
        WriteBatch batch = new WriteBatch().put(Bytes.ofUtf8("c"), V).delete(Bytes.ofUtf8("b"))
                .put(Bytes.ofUtf8("a"), W).put(Bytes.ofUtf8("c"), W); // c twice: the last wins
        table.write(batch);
        assertEquals(11, table.lastSequence());
        assertEquals(List.of("a@11=w", "a@10=v", "b@11=", "c@11=w"), versionsOf(table));
        try (MemTableIterator it = table.scan(Bound.unbounded(), Bound.unbounded(), 10)) {
            assertEquals(Bytes.ofUtf8("a"), it.key());
            assertEquals(10, it.sequence());
            it.next();
            assertFalse(it.isValid(), "a reader below the batch's sequence sees none of it");
        }
        table.write(batch, 7);
        assertEquals(11, table.lastSequence());
        assertEquals(Optional.of(Bytes.EMPTY), table.get(Bytes.ofUtf8("b"), 7));
        assertEquals(Optional.of(W), table.get(Bytes.ofUtf8("c"), 7));
        assertEquals(Optional.of(V), table.get(Bytes.ofUtf8("a"), 10));
    }

    // ------------------------------------------------------------ helpers

    /** A table whose doPut stops until released, to look at the counters mid-write. */
    private static final class BlockingTable extends AbstractMemTable {
        private final MapTable inner = new MapTable(0);
        private final CountDownLatch inDoPut;
        private final CountDownLatch release;

        BlockingTable(CountDownLatch inDoPut, CountDownLatch release) {
            super(9);
            this.inDoPut = inDoPut;
            this.release = release;
        }

        @Override
        protected void doPut(Bytes key, Bytes value, long sequence) {
            inDoPut.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inner.doPut(key, value, sequence);
        }

        @Override
        protected Bytes doGet(Bytes key, long sequence) {
            return inner.doGet(key, sequence);
        }

        @Override
        protected MemTableIterator doVersions(Bound lower, Bound upper) {
            return inner.doVersions(lower, upper);
        }

        @Override
        protected boolean doIsEmpty() {
            return inner.doIsEmpty();
        }
    }

    private static final class MapProvider extends AbstractMemTableProvider {
        MapProvider() {
            super(new ReplayingWal(null, r -> { }));
        }

        @Override
        public String name() {
            return "map";
        }

        @Override
        public AbstractMemTable create(long id) {
            return new MapTable(id);
        }
    }

    /** A log implementation whose recovery replays scripted records. */
    private static final class ReplayingWal implements WalProvider {
        private final Wal reopened;
        private final Consumer<WalReplay> records;

        ReplayingWal(Wal reopened, Consumer<WalReplay> records) {
            this.reopened = reopened;
            this.records = records;
        }

        @Override
        public String name() {
            return "replaying";
        }

        @Override
        public Wal create(Path file, WalOptions options) {
            throw new AssertionError("not used");
        }

        @Override
        public Wal recover(Path file, WalOptions options, WalReplay replay) {
            records.accept(replay);
            return reopened;
        }

        @Override
        public long inspect(Path file, RecoveryMode mode, WalInspector inspector) {
            throw new AssertionError("not used");
        }
    }
}
