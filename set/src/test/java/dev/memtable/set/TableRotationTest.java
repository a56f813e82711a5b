package dev.memtable.set;

import dev.memtable.MemTable;
import dev.memtable.WalOptions;

import static dev.memtable.set.SetTestSupport.awaitState;
import static dev.memtable.set.SetTestSupport.b;
import static dev.memtable.set.SetTestSupport.join;
import static dev.memtable.set.SetTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The freeze protocol on its own: a {@link TableRotation} over a {@link TableSource}, without the
 * facade. Writers paused inside the backend's put (the test backend's hook) make every
 * interleaving the protocol must handle happen on purpose.
 */
class TableRotationTest {

    @TempDir
    Path tmp;

    private final List<TableRotation> opened = new ArrayList<>();

    @AfterEach
    void closeRotations() throws IOException {
        for (TableRotation r : opened) {
            r.close();
        }
    }

    private TableRotation inMemory(TestBackend backend, long freezeAtBytes, int maxImmutables,
                                   Duration stallTimeout) throws IOException {
        return rotation(new TableSource(backend, null, null, 1), freezeAtBytes, maxImmutables,
                stallTimeout);
    }

    private TableRotation logged(TestBackend backend, long freezeAtBytes) throws IOException {
        WalDirectory dir = WalDirectory.open(tmp.resolve("wal"), backend.logs());
        return rotation(new TableSource(backend, dir, WalOptions.defaults(), 1), freezeAtBytes,
                Integer.MAX_VALUE, Duration.ofMinutes(1));
    }

    private TableRotation rotation(TableSource source, long freezeAtBytes, int maxImmutables,
                                   Duration stallTimeout) throws IOException {
        TableRotation r = new TableRotation(source, new Tables(source.next(), List.of()),
                freezeAtBytes, maxImmutables, stallTimeout, false);
        opened.add(r);
        return r;
    }

    private static void put(TableRotation r, String key, String value) {
        r.write((t, s) -> t.put(b(key), b(value), s));
    }

    /** Waits until the mutable table holds {@code key} (applied, maybe not yet published). */
    private static void awaitApplied(TableRotation r, String key) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (r.tables().mutable.table.get(b(key)).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, key + " was never applied");
            Thread.sleep(1);
        }
    }

    /** Pauses every put of {@code key} inside the backend until the returned latch opens. */
    private static CountDownLatch[] pauseOn(TestBackend backend, String key) {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        backend.beforePut(k -> {
            if (k.equals(b(key))) {
                inside.countDown();
                await(resume);
            }
        });
        return new CountDownLatch[] {inside, resume};
    }

    /**
     * A writer entered the mutable table but took its sequence only after a freeze, and after a
     * writer in the new table took one: it must give that sequence up and write into the new
     * table, or the older table would hold a higher sequence than the newer one, and a read that
     * stops at the newest table knowing the key would return the older version.
     */
    @Test
    void write_sequenceTakenAfterAFreezeMovesToTheNewTable() throws Exception {
        TestBackend backend = TestBackend.concurrent();
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        Sequencer pausing = new Sequencer(0) {
            @Override
            long next() {
                if (Thread.currentThread().getName().equals("late-writer")
                        && paused.getCount() > 0) {
                    paused.countDown();
                    await(resume);
                }
                return super.next();
            }
        };
        TableSource source = new TableSource(backend, null, null, 1);
        TableRotation r = new TableRotation(source, new Tables(source.next(), List.of()),
                1 << 20, Integer.MAX_VALUE, Duration.ofMinutes(1), false, pausing);
        opened.add(r);
        TableSlot first = r.tables().mutable;
        put(r, "a", "1"); // sequence 1; the table is not empty, so freeze() freezes it
        Thread late = start("late-writer", () -> put(r, "k", "late"));
        assertTrue(paused.await(30, TimeUnit.SECONDS), "inside the gate, before its sequence");
        Thread freezer = start("freezer", r::freeze);
        awaitState(freezer, Thread.State.WAITING, Thread.State.TIMED_WAITING);
        put(r, "k", "early"); // into the new table, sequence 2
        resume.countDown();
        join(late);
        join(freezer);

        assertEquals(Optional.empty(), first.table.get(b("k")),
                "the late write gave up its sequence in the old table");
        TableSlot second = r.tables().mutable;
        assertEquals(Optional.of(b("late")), second.table.get(b("k")),
                "the later sequence is the newest version");
        assertEquals(Optional.of(b("late")), r.tables().get(b("k"), Long.MAX_VALUE));
        assertEquals(4, second.table.lastSequence(), "sequence 3 was given up, 4 taken anew");
        assertEquals(4, r.sequences().published(), "a given-up sequence does not stop"
                + " publication");
    }

    /**
     * A writer is inside the mutable table when another thread freezes: the new table is
     * installed at once (other writers go on into it), the freeze waits for the writer inside,
     * and the flush hand-off does not get the table before the write has landed in it.
     */
    @Test
    void freeze_installsNewTableFirstThenWaitsForTheWriterInside() throws Exception {
        TestBackend backend = TestBackend.concurrent();
        TableRotation r = inMemory(backend, 1 << 20, Integer.MAX_VALUE, Duration.ofMinutes(1));
        CountDownLatch[] pause = pauseOn(backend, "slow");
        put(r, "a", "1");
        long frozenId = r.tables().mutable.id();
        Thread writer = start("slow-writer", () -> put(r, "slow", "1"));
        assertTrue(pause[0].await(30, TimeUnit.SECONDS));
        AtomicBoolean froze = new AtomicBoolean();
        Thread freezer = start("freezer", () -> froze.set(r.freeze()));
        awaitState(freezer, Thread.State.WAITING, Thread.State.TIMED_WAITING);

        // A later writer does not wait for the freeze: it writes into the new table at once. It
        // returns only once the slow write (a lower sequence) is published, as every write does.
        Thread fast = start("fast-writer", () -> put(r, "fast", "2"));
        awaitApplied(r, "fast");
        assertEquals(Optional.of(b("2")), r.tables().mutable.table.get(b("fast")),
                "writers do not wait for the freeze: the new table is installed already");
        assertTrue(fast.isAlive(), "a write returns only once every lower sequence is published");
        assertEquals(frozenId, r.tables().immutables.get(0).id());
        AtomicReference<Optional<MemTable>> handed = new AtomicReference<>();
        Thread flusher = start("flusher", () -> handed.set(r.oldestImmutable()));
        awaitState(flusher, Thread.State.WAITING, Thread.State.TIMED_WAITING);
        assertNull(handed.get(), "a table is handed to a flush only once its writers are gone");

        pause[1].countDown();
        join(writer);
        join(fast);
        join(freezer);
        join(flusher);
        assertTrue(froze.get());
        MemTable frozen = handed.get().orElseThrow();
        assertEquals(frozenId, frozen.id());
        assertEquals(Optional.of(b("1")), frozen.get(b("slow")), "the write in flight landed");
        assertEquals(Optional.empty(), frozen.get(b("fast")));
    }

    /**
     * The writer whose write fills a table finds it frozen already (by a concurrent
     * {@code freeze()} that waited for it): it must not freeze the new, empty table instead.
     */
    @Test
    void write_fillingATableFrozenMeanwhileDoesNotFreezeTheNewOne() throws Exception {
        TestBackend backend = TestBackend.concurrent();
        // a + 12345 + a version's 8 bytes = 14, below 26; slow + 1234 + 8 = 16 fills it
        TableRotation r = inMemory(backend, 26, Integer.MAX_VALUE, Duration.ofMinutes(1));
        CountDownLatch[] pause = pauseOn(backend, "slow");
        put(r, "a", "12345");
        long firstId = r.tables().mutable.id();
        Thread writer = start("filling-writer", () -> put(r, "slow", "1234"));
        assertTrue(pause[0].await(30, TimeUnit.SECONDS));
        Thread freezer = start("freezer", r::freeze);
        awaitState(freezer, Thread.State.WAITING, Thread.State.TIMED_WAITING);
        pause[1].countDown();
        join(writer);
        join(freezer);
        assertEquals(1, r.tables().immutables.size());
        assertEquals(firstId, r.tables().immutables.get(0).id());
        assertTrue(r.tables().mutable.table.isEmpty(), "the new table was not frozen");
    }

    /**
     * With no room, the write that fills a table is applied and the table stays mutable; the
     * next write stalls until a release, then freezes it and lands in a new table.
     */
    @Test
    void write_needingAFreezeAtTheLimitStallsUntilARelease() throws Exception {
        TableRotation r = inMemory(TestBackend.concurrent(), 10, 1, Duration.ofMinutes(2));
        put(r, "k1", "12345678");
        put(r, "k2", "12345678");
        TableSlot full = r.tables().mutable;
        assertEquals(Optional.of(b("12345678")), full.table.get(b("k2")), "applied, not frozen");
        Thread writer = start("stalled", () -> put(r, "k3", "x"));
        awaitState(writer, Thread.State.TIMED_WAITING);
        assertEquals(Optional.empty(), r.tables().get(b("k3"), Long.MAX_VALUE), "a stalled write is not applied");

        r.release(r.oldestImmutable().orElseThrow());
        join(writer);
        assertEquals(full, r.tables().immutables.get(0), "the full table was frozen to make room");
        assertEquals(Optional.of(b("x")), r.tables().mutable.table.get(b("k3")));
    }

    @Test
    void write_stallTimesOutAndIsNotApplied() throws IOException {
        TableRotation r = inMemory(TestBackend.concurrent(), 10, 1, Duration.ofMillis(100));
        put(r, "k1", "12345678");
        put(r, "k2", "12345678");
        WriteStallException e = assertThrows(WriteStallException.class, () -> put(r, "k3", "x"));
        assertTrue(e.getMessage().contains("maxImmutables = 1"), e.getMessage());
        assertEquals(Optional.empty(), r.tables().get(b("k3"), Long.MAX_VALUE));
        assertEquals(1, r.tables().immutables.size());
    }

    /**
     * The source cannot create the next table: the write that filled the table stays applied,
     * the table stays mutable, and the next write reports the failure without being applied;
     * once the source works again the freeze happens.
     */
    @Test
    void write_freezeWhoseNextTableFailsKeepsTheFullTableMutable() throws IOException {
        TestBackend backend = TestBackend.concurrent();
        TableRotation r = logged(backend, 18); // k1 + 12345678 + 8 fills it, k2 + x + 8 not
        TableSlot first = r.tables().mutable;
        backend.failLogCreation(true);
        put(r, "k1", "12345678");
        assertEquals(first, r.tables().mutable);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> put(r, "k2", "x"));
        assertTrue(e.getMessage().contains("could not create the write-ahead log"), e.getMessage());
        assertEquals(Optional.empty(), r.tables().get(b("k2"), Long.MAX_VALUE), "not applied");
        assertThrows(UncheckedIOException.class, r::freeze, "freeze() reports it too");
        assertEquals(List.of(), r.tables().immutables);

        backend.failLogCreation(false);
        put(r, "k2", "x");
        assertEquals(first, r.tables().immutables.get(0));
        assertEquals(Optional.of(b("x")), r.tables().mutable.table.get(b("k2")));
    }

    @Test
    void release_refusesAllButTheOldestAndClosesItWhenNoReaderPinsIt() throws IOException {
        TableRotation r = inMemory(TestBackend.concurrent(), 1 << 20, Integer.MAX_VALUE,
                Duration.ofMinutes(1));
        put(r, "a", "1");
        r.freeze();
        put(r, "b", "2");
        r.freeze();
        TableSlot newer = r.tables().immutables.get(0);
        TableSlot oldest = r.tables().oldest();
        assertThrows(IllegalArgumentException.class, () -> r.release(newer.view));
        assertThrows(IllegalArgumentException.class, () -> r.release(r.tables().mutable.view));

        int token = oldest.pin();
        r.release(oldest.view);
        assertEquals(List.of(newer), r.tables().immutables);
        assertFalse(oldest.isClosed(), "a reader still pins it");
        assertEquals(Optional.of(b("1")), oldest.table.get(b("a")));
        oldest.unpin(token);
        assertTrue(oldest.isClosed(), "closed when its last reader left");
        assertThrows(IllegalArgumentException.class, () -> r.release(oldest.view));
    }

    @Test
    void close_closesEveryTableAndRefusesLaterCalls() throws IOException {
        TableRotation r = inMemory(TestBackend.concurrent(), 1 << 20, Integer.MAX_VALUE,
                Duration.ofMinutes(1));
        put(r, "a", "1");
        r.freeze();
        Tables last = r.tables();
        r.close();
        r.close();
        for (TableSlot t : last.all()) {
            assertTrue(t.isClosed(), t + " closed");
        }
        assertThrows(IllegalStateException.class, () -> put(r, "b", "2"));
        assertThrows(IllegalStateException.class, r::freeze);
        assertThrows(IllegalStateException.class, r::oldestImmutable);
    }

    static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS), "latch not released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
