package dev.memtable.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.set.MemTableSet;
import dev.memtable.WriteBatch;
import dev.memtable.set.WriteStallException;
import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules {@code set01}–{@code set11}: a {@link MemTableSet} over the backend under test behaves as
 * the set promises: freezing, newest-first reads, merged scans, the flush hand-off,
 * back-pressure, concurrent writers racing freezes, and (for backends with
 * {@link Capability#WAL}) recovery of a WAL directory. The set is backend-neutral code, so a
 * failure here usually means the backend breaks a {@link MemTable} rule the set relies on: ids
 * as given to {@code create}, {@code approximateSize()} growing by key + value length on every
 * write, {@code get}'s three answers, ascending scans with tombstones, thread safety, and
 * {@code recoverFromWal} rebuilding exactly what was written.
 */
public interface MemTableSetRules extends ContractSupport {

    /**
     * set01: after {@code freeze()} the frozen table stays readable through the set and on its
     * own, immutables are listed newest first (oldest last), the newest table wins a key, and
     * ids rise. Look at {@code create(id)} keeping the id, and at {@code get}.
     */
    @Test
    default void required_set01_freezeKeepsFrozenTableReadableOldestLast() throws IOException {
        try (MemTableSet set = inMemory(testedProvider(), 1 << 20)) {
            put(set, "1", "233", "2", "2333", "3", "23333");
            long first = set.mutable().id();
            assertTrue(set.freeze());
            put(set, "1", "2333", "4", "5");
            long second = set.mutable().id();
            assertTrue(set.freeze());
            List<MemTable> imm = set.immutables();
            assertEquals(List.of(second, first), List.of(imm.get(0).id(), imm.get(1).id()),
                    "immutables newest first");
            assertTrue(set.mutable().id() > second, "ids rise");
            assertTrue(set.mutable().isEmpty());
            assertEquals(Optional.of(b("2333")), set.get(b("1")));
            assertEquals(Optional.of(b("23333")), set.get(b("3")));
            assertEquals(Optional.of(b("233")),
                    imm.get(1).get(b("1")), "the frozen table is unchanged");
        }
    }

    /**
     * set02: with a 1 KiB target, 1,000 overwrites of one key freeze at least one table, and
     * 1,000 deletes of it freeze another; each table is frozen by the write that reached the
     * target. Look at {@code approximateSize()}: it must grow on overwrites and deletes too.
     */
    @Test
    default void required_set02_putSizeTriggeredFreezeAfterOverwritesAndDeletes() throws IOException {
        try (MemTableSet set = inMemory(testedProvider(), 1024)) {
            for (int i = 0; i < 1000; i++) {
                set.put(b("1"), b("2333"));
            }
            int afterPuts = set.immutables().size();
            assertTrue(afterPuts >= 1, "no table frozen after 1,000 overwrites");
            for (int i = 0; i < 1000; i++) {
                set.delete(b("1"));
            }
            assertTrue(set.immutables().size() > afterPuts, "no table frozen after 1,000 deletes");
            assertEquals(Optional.of(Bytes.EMPTY), set.get(b("1")));
            for (MemTable t : set.immutables()) {
                long size = t.approximateSize();
                assertTrue(size >= 1024 && size < 1024 + 5, "table " + t.id() + " frozen at "
                        + size + " bytes for a 1024-byte target and 5-byte writes");
            }
        }
    }

    /**
     * set03: a tombstone in a middle table hides the oldest table's value: {@code get} answers
     * an empty value (deleted) and the scan leaves the key out. Look at {@code get} returning the
     * empty value for a deleted key rather than {@code Optional.empty()}.
     */
    @Test
    default void required_set03_getTombstoneInMiddleTableHidesOldest() throws IOException {
        try (MemTableSet set = inMemory(testedProvider(), 1 << 20)) {
            set.put(b("k"), b("oldest"));
            set.freeze();
            set.delete(b("k"));
            set.freeze();
            set.put(b("other"), b("x"));
            assertEquals(Optional.of(Bytes.EMPTY), set.get(b("k")));
            assertEquals(Optional.empty(), set.get(b("absent")));
            assertEquals(Map.of("other", "x"), live(set));
        }
    }

    /**
     * set04: a merged scan over three tables returns each live key once with its newest value;
     * the tombstone-keeping scan also returns the newest tombstones. Look at the backend's scan
     * order (unsigned, ascending) and at tombstones being yielded as empty values.
     */
    @Test
    default void required_set04_scanMergesThreeTablesNewestValueOnce() throws IOException {
        try (MemTableSet set = inMemory(testedProvider(), 1 << 20)) {
            put(set, "a", "1", "b", "1", "c", "1", "d", "1");
            set.freeze();
            put(set, "b", "2", "e", "2");
            set.delete(b("c"));
            set.freeze();
            put(set, "a", "3", "f", "3");
            set.delete(b("d"));
            assertEquals("{a=3, b=2, e=2, f=3}", live(set).toString());
            assertEquals("{a=3, b=2, c=, d=, e=2, f=3}", all(set).toString());
            assertEquals("{b=2, e=2}", contents(set.scan(
                    Bound.excluded(b("a")),
                    Bound.included(b("e")))).toString());
        }
    }

    /** set05: an empty set scans empty, and freezing it does nothing. */
    @Test
    default void required_set05_scanEmptySetIsEmpty() throws IOException {
        try (MemTableSet set = inMemory(testedProvider(), 1 << 20)) {
            assertEquals(Map.of(), live(set));
            assertEquals(Map.of(), all(set));
            assertFalse(set.freeze());
            assertEquals(List.of(), set.immutables());
        }
    }

    /**
     * set06: four writers race size-triggered freezes while readers check that every write
     * acknowledged before a read is seen by it; afterwards every key holds its last value, and
     * no table was frozen empty or below the target. Look at the backend's thread safety and at
     * {@code get} during concurrent {@code put}s.
     */
    @Test
    default void required_set06_concurrentWritersNoAcknowledgedWriteLostNoEmptyFreeze()
            throws Exception {
        int writers = 4;
        int keysPerWriter = 32;
        int writesPerKey = 20;
        try (MemTableSet set = inMemory(testedProvider(), 2048)) {
            AtomicLongArray acked = new AtomicLongArray(writers * keysPerWriter);
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int first = w * keysPerWriter;
                threads.add(start("set06-writer-" + w, failures, () -> {
                    await(go);
                    for (long seq = 1; seq <= writesPerKey; seq++) {
                        for (int i = first; i < first + keysPerWriter; i++) {
                            if (i % 4 == 0) {
                                set.write(new WriteBatch().put(key(i),
                                        value(i, seq)));
                            } else {
                                set.put(key(i), value(i, seq));
                            }
                            acked.set(i, seq);
                        }
                    }
                }));
            }
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int seed = r;
                readers.add(start("set06-reader-" + r, failures, () -> {
                    await(go);
                    Random random = new Random(seed);
                    while (writing.get()) {
                        int i = random.nextInt(acked.length());
                        long before = acked.get(i);
                        Optional<Bytes> got = set.get(key(i));
                        if (before > 0 && (got.isEmpty() || seq(got.get()) < before)) {
                            failures.add("get of key " + i + " returned " + got + " after seq "
                                    + before + " was acknowledged");
                        }
                    }
                }));
            }
            go.countDown();
            joinAll(threads);
            writing.set(false);
            joinAll(readers);
            assertEquals(List.of(), List.copyOf(failures));
            for (int i = 0; i < acked.length(); i++) {
                assertEquals(Optional.of(value(i, writesPerKey)),
                        set.get(key(i)), "key " + i);
            }
            assertTrue(set.immutables().size() >= 3, "expected several freezes");
            long newer = set.mutable().id();
            for (MemTable t : set.immutables()) {
                assertTrue(t.id() < newer, "immutables newest first, ids rising");
                newer = t.id();
                assertFalse(t.isEmpty(), "table " + t.id() + " was frozen empty");
                assertTrue(t.approximateSize() >= 2048, "table " + t.id() + " frozen at "
                        + t.approximateSize() + " bytes, below the 2048-byte target");
            }
        }
    }

    /**
     * set07: only the oldest immutable table can be released; a released table is no longer
     * read, and one that an open scan still reads stays readable until the scan is closed.
     * Look at the backend's iterators after {@code close()} of their table.
     */
    @Test
    default void required_set07_flushedReleasesOldestOnlyAndOpenScansKeepReading() throws IOException {
        try (MemTableSet set = inMemory(testedProvider(), 1 << 20)) {
            put(set, "a", "1", "b", "1");
            set.freeze();
            put(set, "c", "2");
            set.freeze();
            put(set, "d", "3");
            MemTable newer = set.immutables().get(0);
            assertThrows(IllegalArgumentException.class, () -> set.flushed(newer));
            assertThrows(IllegalArgumentException.class, () -> set.flushed(set.mutable()));
            MemTableIterator scan = set.scan(Bound.unbounded(), Bound.unbounded());
            MemTable oldest = set.oldestImmutable().orElseThrow();
            set.flushed(oldest);
            assertEquals(Optional.empty(), set.get(b("a")), "released");
            assertEquals("{a=1, b=1, c=2, d=3}", contents(scan).toString(),
                    "the scan opened before the release still reads the released table");
            assertEquals(List.of(newer.id()), List.of(set.oldestImmutable().orElseThrow().id()));
        }
    }

    /**
     * set08: with {@code maxImmutables(1)} reached and the mutable table full, a writer stalls
     * (its write not visible) until the oldest table is released, then completes.
     */
    @Test
    default void required_set08_backPressureWriterWaitsUntilATableIsReleased() throws Exception {
        try (MemTableSet set = full(testedProvider(), Duration.ofMinutes(2))) {
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            Thread writer = start("set08-writer", failures,
                    () -> set.put(b("k3"), b("x")));
            awaitState(writer, Thread.State.TIMED_WAITING);
            assertEquals(Optional.empty(), set.get(b("k3")));
            set.flushed(set.oldestImmutable().orElseThrow());
            joinAll(List.of(writer));
            assertEquals(List.of(), List.copyOf(failures));
            assertEquals(Optional.of(b("x")), set.get(b("k3")));
            assertEquals(1, set.immutables().size());
        }
    }

    /**
     * set09: a stalled write fails after the stall timeout with a {@link WriteStallException}
     * naming the limit, and is not applied.
     */
    @Test
    default void required_set09_backPressureStallTimesOutWithoutApplyingTheWrite() throws IOException {
        try (MemTableSet set = full(testedProvider(), Duration.ofMillis(150))) {
            Map<String, String> before = all(set);
            WriteStallException e = assertThrows(WriteStallException.class,
                    () -> set.put(b("k3"), b("x")));
            assertTrue(e.getMessage().contains("maxImmutables = 1"), e.getMessage());
            assertEquals(before, all(set), "the stalled write was not applied");
        }
    }

    /**
     * set10: written through several freezes with a WAL directory, closed and reopened, the set
     * holds the same entries (tombstones included) with the same newest-wins answers, every old
     * table is back as an immutable one, and the new mutable table's id is above all old ids.
     * Look at {@code recoverFromWal}. Needs {@link Capability#WAL}.
     */
    @Test
    default void optional_set10_restartAfterCloseRecoversEveryTable(@TempDir Path tmp) throws IOException {
        MemTableProvider provider = testedProvider();
        assumeWal(provider);
        Path dir = tmp.resolve("wal");
        Map<String, String> model;
        List<Long> oldIds = new ArrayList<>();
        try (MemTableSet set = withWal(provider, dir)) {
            model = writeMixed(set, 10);
            assertTrue(set.immutables().size() >= 3, "expected several freezes");
            oldIds.add(set.mutable().id());
            set.immutables().forEach(t -> oldIds.add(t.id()));
        }
        try (MemTableSet set = withWal(provider, dir)) {
            assertSameAnswers(model, set);
            List<Long> recovered = new ArrayList<>();
            set.immutables().forEach(t -> recovered.add(t.id()));
            assertEquals(oldIds, recovered, "every table recovered, newest first");
            assertTrue(set.mutable().id() > oldIds.get(0), "ids continue above the old ones");
        }
    }

    /**
     * set11: a set abandoned after {@code sync()} without {@code close()} (its files copied as a
     * crash leaves them) reopens with everything it had acknowledged. Needs
     * {@link Capability#WAL}.
     */
    @Test
    default void optional_set11_restartAfterAbandonRecoversSyncedWrites(@TempDir Path tmp)
            throws IOException {
        MemTableProvider provider = testedProvider();
        assumeWal(provider);
        Path dir = tmp.resolve("wal");
        try (MemTableSet set = withWal(provider, dir)) {
            Map<String, String> model = writeMixed(set, 11);
            set.sync();
            long maxId = set.mutable().id();
            Path crashed = Files.createDirectory(tmp.resolve("crashed"));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (f.getFileName().toString().endsWith(".wal")) {
                        Files.copy(f, crashed.resolve(f.getFileName()));
                    }
                }
            }
            try (MemTableSet reopened = withWal(provider, crashed)) {
                assertSameAnswers(model, reopened);
                assertTrue(reopened.mutable().id() > maxId);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static MemTableSet inMemory(MemTableProvider provider, long freezeAtBytes)
            throws IOException {
        return MemTableSet.builder().backend(provider).freezeAtBytes(freezeAtBytes).build();
    }

    private static MemTableSet withWal(MemTableProvider provider, Path dir) throws IOException {
        return MemTableSet.builder().backend(provider).freezeAtBytes(256).walDirectory(dir)
                .build();
    }

    /** One immutable table at the limit of one, and a full mutable table. */
    private static MemTableSet full(MemTableProvider provider, Duration stallTimeout) throws IOException {
        MemTableSet set = MemTableSet.builder().backend(provider).freezeAtBytes(10)
                .maxImmutables(1).stallTimeout(stallTimeout).build();
        set.put(b("k1"), b("12345678"));
        set.put(b("k2"), b("12345678"));
        assertEquals(1, set.immutables().size(), "a 10-byte write freezes a 10-byte target");
        assertEquals(Optional.of(b("12345678")), set.get(b("k2")));
        return set;
    }

    private static void assumeWal(MemTableProvider provider) {
        Assumptions.assumeTrue(provider.capabilities().contains(Capability.WAL),
                "backend " + provider.name() + " does not declare Capability.WAL");
    }

    private static Bytes b(String s) {
        return Bytes.ofUtf8(s);
    }

    private static Bytes key(int i) {
        return b(String.format("key-%05d", i));
    }

    private static Bytes value(int i, long seq) {
        return b("v" + i + "-" + seq);
    }

    private static long seq(Bytes value) {
        String s = value.toUtf8String();
        return Long.parseLong(s.substring(s.indexOf('-') + 1));
    }

    private static void put(MemTableSet set, String... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            set.put(b(pairs[i]), b(pairs[i + 1]));
        }
    }

    /** Seeded puts, deletes and batches over 40 keys; returns the model (tombstone as ""). */
    private static Map<String, String> writeMixed(MemTableSet set, long seed) {
        Random random = new Random(seed);
        Map<String, String> model = new TreeMap<>();
        for (int i = 0; i < 300; i++) {
            String k = "key" + random.nextInt(40);
            int what = random.nextInt(10);
            if (what < 6) {
                set.put(b(k), b("v" + i));
                model.put(k, "v" + i);
            } else if (what < 8) {
                set.delete(b(k));
                model.put(k, "");
            } else {
                String k2 = "key" + random.nextInt(40);
                set.write(new WriteBatch().put(b(k), b("batch" + i)).delete(b(k2)));
                model.put(k, "batch" + i);
                model.put(k2, "");
            }
        }
        assertEquals(model, all(set));
        return model;
    }

    private static void assertSameAnswers(Map<String, String> model, MemTableSet set) {
        assertEquals(model, all(set), "entries after recovery");
        for (int i = 0; i < 40; i++) {
            String k = "key" + i;
            Optional<Bytes> expected = model.containsKey(k)
                    ? Optional.of(b(model.get(k))) : Optional.empty();
            assertEquals(expected, set.get(b(k)), "get(" + k + ") after recovery");
        }
    }

    private static Map<String, String> live(MemTableSet set) {
        return contents(set.scan(Bound.unbounded(), Bound.unbounded()));
    }

    private static Map<String, String> all(MemTableSet set) {
        return contents(set.scanWithTombstones(Bound.unbounded(), Bound.unbounded()));
    }

    /** Drains and closes {@code it}; checks that keys ascend strictly. */
    private static Map<String, String> contents(MemTableIterator it) {
        try (it) {
            Map<String, String> out = new LinkedHashMap<>();
            Bytes previous = null;
            for (; it.isValid(); it.next()) {
                Bytes k = it.key();
                if (previous != null && previous.compareTo(k) >= 0) {
                    fail("scan keys not strictly ascending: " + previous + " then " + k);
                }
                previous = k;
                out.put(k.toUtf8String(), it.value().toUtf8String());
            }
            return out;
        }
    }

    /** Starts a daemon thread whose failure is recorded in {@code failures}. */
    private static Thread start(String name, Queue<String> failures, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException | AssertionError e) {
                failures.add(name + ": " + e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS), "start signal never came");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(t.isAlive(), t.getName() + " did not finish");
        }
    }

    /** Waits until {@code t} blocks in {@code state}; fails if it ends or never does. */
    private static void awaitState(Thread t, Thread.State state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Thread.State s;
        while ((s = t.getState()) != state) {
            if (s == Thread.State.TERMINATED) {
                fail(t.getName() + " finished instead of blocking");
            }
            if (System.nanoTime() > deadline) {
                fail(t.getName() + " never blocked in " + state + "; it is " + s);
            }
            Thread.yield();
        }
    }
}
