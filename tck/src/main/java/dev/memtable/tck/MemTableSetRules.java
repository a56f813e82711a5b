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
import dev.memtable.WriteBatch;
import dev.memtable.set.MemTableSet;
import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules {@code set06} and {@code set10}–{@code set13}: a {@link MemTableSet} over the backend
 * under test, where the backend decides the outcome: writers racing freezes through the set,
 * sealing (what a set does to every table it freezes), and (for backends with
 * {@link Capability#WAL}) recovery of a WAL directory. The set's own behaviour
 * (freezing, newest-first reads, merged scans, the flush hand-off, back-pressure) does not depend
 * on the backend and is tested in the set module. A failure here usually means the backend breaks
 * a {@link MemTable} rule the set relies on: thread safety, {@code get} during concurrent
 * {@code put}s, and {@code recoverFromWal} rebuilding exactly what was written and synced.
 */
public interface MemTableSetRules extends ContractSupport {

    /**
     * set06: four writers each write 640 keys of their own (every fourth as a one-entry batch)
     * through a set that freezes every 2 KiB, racing the size-triggered freezes, while readers
     * check that every write acknowledged before a read is seen by it; afterwards every key is
     * there with its value, and no table was frozen empty or below the target. Look at the
     * backend's thread safety (a put that overlaps another must not undo it) and at {@code get}
     * during concurrent {@code put}s.
     */
    @Test
    default void required_set06_concurrentWritersNoAcknowledgedWriteLostNoEmptyFreeze()
            throws Exception {
        int writers = 4;
        int perWriter = 640;
        try (MemTableSet set = inMemory(testedProvider(), 2048)) {
            AtomicIntegerArray acked = new AtomicIntegerArray(writers);
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int first = w * perWriter;
                int me = w;
                threads.add(start("set06-writer-" + w, failures, () -> {
                    await(go);
                    for (int n = 0; n < perWriter; n++) {
                        int i = first + n;
                        if (i % 4 == 0) {
                            set.write(new WriteBatch().put(key(i), value(i, 1)));
                        } else {
                            set.put(key(i), value(i, 1));
                        }
                        acked.set(me, n + 1);
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
                        int w = random.nextInt(writers);
                        int done = acked.get(w);
                        if (done == 0) {
                            continue;
                        }
                        int i = w * perWriter + random.nextInt(done);
                        Optional<Bytes> got = set.get(key(i));
                        if (!got.equals(Optional.of(value(i, 1)))) {
                            failures.add("get of key " + i + " returned " + got + " after its"
                                    + " put was acknowledged");
                        }
                    }
                }));
            }
            go.countDown();
            joinAll(threads);
            writing.set(false);
            joinAll(readers);
            assertEquals(List.of(), List.copyOf(failures).subList(0,
                    Math.min(5, failures.size())), failures.size() + " failures");
            List<Integer> lost = new ArrayList<>();
            for (int i = 0; i < writers * perWriter; i++) {
                if (!set.get(key(i)).equals(Optional.of(value(i, 1)))) {
                    lost.add(i);
                }
            }
            assertEquals(List.of(), lost, "keys whose acknowledged put is lost");
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
            // The premise: the mutable table holds acknowledged writes that only sync() made
            // durable (had the last write frozen it, everything would be sealed, synced and safe).
            for (int i = 0; set.mutable().isEmpty() || i == 0; i++) {
                set.put(b("set11-last" + i), b("acknowledged"));
                model.put("set11-last" + i, "acknowledged");
            }
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

    /**
     * set12: {@link MemTable#seal()}, which a set calls on every table it freezes or recovers,
     * makes the table refuse writes ({@code put}, {@code delete}, {@code write} throw
     * {@link IllegalStateException} naming the table) and changes nothing else: reads, size and
     * {@code isEmpty} answer as before, {@code syncWal} and a second {@code seal} are harmless,
     * and {@code close} still works. Look at {@code seal()}: a backend built on
     * {@link dev.memtable.spi.AbstractMemTable} inherits it; a table that wraps another must
     * forward it.
     */
    @Test
    default void required_set12_sealRefusesWritesAndKeepsReads() throws IOException {
        MemTable t = newTable();
        t.put(b("a"), b("1"));
        t.put(b("b"), b("2"));
        Map<String, String> before = contents(t.scan(Bound.unbounded(), Bound.unbounded()));
        long size = t.approximateSize();
        t.seal();
        for (Runnable write : List.<Runnable>of(() -> t.put(b("c"), b("3")),
                () -> t.delete(b("a")), () -> t.write(new WriteBatch().put(b("c"), b("3"))))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, write::run,
                    "a write after seal()");
            assertTrue(String.valueOf(e.getMessage()).contains("memtable " + t.id()),
                    "the refusal names the table: " + e.getMessage());
        }
        assertEquals(before, contents(t.scan(Bound.unbounded(), Bound.unbounded())),
                "contents after seal()");
        assertEquals(Optional.of(b("1")), t.get(b("a")));
        assertEquals(Optional.of(b("2")), t.get(b("b")));
        assertEquals(size, t.approximateSize());
        assertFalse(t.isEmpty());
        t.syncWal();
        t.seal();
    }

    /**
     * set13: sealing a table with a write-ahead log syncs and closes the log and keeps the file:
     * while the sealed table is still open, another table can recover the same file (the real
     * log locks an open file) and finds every write. Look at {@code seal()} closing the log.
     * Needs {@link Capability#WAL}.
     */
    @Test
    default void optional_set13_sealClosesTheLogAndKeepsTheFile(@TempDir Path tmp)
            throws IOException {
        MemTableProvider provider = testedProvider();
        assumeWal(provider);
        Path file = tmp.resolve("set13.wal");
        try (MemTable sealed = provider.createWithWal(1, file)) {
            sealed.put(b("a"), b("1"));
            sealed.write(new WriteBatch().put(b("b"), b("2")).delete(b("c")));
            sealed.seal();
            assertThrows(IllegalStateException.class, () -> sealed.put(b("d"), b("4")));
            try (MemTable recovered = provider.recoverFromWal(2, file)) {
                assertEquals(contents(sealed.scan(Bound.unbounded(), Bound.unbounded())),
                        contents(recovered.scan(Bound.unbounded(), Bound.unbounded())),
                        "the sealed table's log, recovered while the table is open");
            }
            assertEquals(Optional.of(b("2")), sealed.get(b("b")), "still readable");
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

}
