package dev.memtable.set;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.WriteBatch;

import static dev.memtable.set.SetTestSupport.PATIENCE_NANOS;
import static dev.memtable.set.SetTestSupport.awaitState;
import static dev.memtable.set.SetTestSupport.b;
import static dev.memtable.set.SetTestSupport.contents;
import static dev.memtable.set.SetTestSupport.join;
import static dev.memtable.set.SetTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The memtable set under concurrency, through the facade: writers racing size-triggered freezes
 * with readers, reads racing releases, close racing writers. The freeze protocol's own cases are
 * in {@link TableRotationTest}.
 */
class MemTableSetConcurrencyTest {

    private static final int ROUNDS = Integer.getInteger("memtable.test.rounds", 5);

    private static final int WRITERS = 4;
    private static final int KEYS_PER_WRITER = 64;

    private static Bytes key(int index) {
        return b(String.format("key-%05d", index));
    }

    private static Bytes value(int index, long seq) {
        return b("v" + index + "-" + seq);
    }

    private static long seqOf(Bytes value) {
        String s = value.toUtf8String();
        return Long.parseLong(s.substring(s.indexOf('-') + 1));
    }

    /**
     * Four writers each own 64 keys and write ever-higher sequence numbers to them (some as
     * batches) into a set that freezes every KiB, while two readers check that every write
     * acknowledged before their read is seen (get never skips a table during a freeze) and a
     * third scans. Afterwards every key holds its last value, no table was frozen empty or below
     * the target, and every table created is still there.
     */
    @Test
    void writersRacingFreezesWithReaders_noAcknowledgedWriteLost() throws Exception {
        TestBackend backend = TestBackend.concurrent();
        int writesPerKey = 16 * ROUNDS;
        try (MemTableSet set = MemTableSet.builder().backend(backend).freezeAtBytes(1024)
                .build()) {
            AtomicLongArray acked = new AtomicLongArray(WRITERS * KEYS_PER_WRITER);
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int first = w * KEYS_PER_WRITER;
                writers.add(start("writer-" + w, () -> {
                    await(go);
                    Random random = new Random(first);
                    for (long seq = 1; seq <= writesPerKey; seq++) {
                        for (int i = first; i < first + KEYS_PER_WRITER; i += 2) {
                            if (random.nextBoolean()) {
                                set.put(key(i), value(i, seq));
                                set.put(key(i + 1), value(i + 1, seq));
                            } else {
                                set.write(new WriteBatch().put(key(i), value(i, seq))
                                        .put(key(i + 1), value(i + 1, seq)));
                            }
                            acked.set(i, seq);
                            acked.set(i + 1, seq);
                        }
                    }
                }));
            }
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int seed = r;
                readers.add(start("reader-" + r, () -> {
                    await(go);
                    Random random = new Random(seed);
                    while (writing.get()) {
                        int i = random.nextInt(acked.length());
                        long before = acked.get(i);
                        Optional<Bytes> got = set.get(key(i));
                        if (before > 0 && (got.isEmpty() || seqOf(got.get()) < before)) {
                            failures.add("get(" + i + ") = " + got + " after seq " + before
                                    + " was acknowledged");
                        }
                    }
                }));
            }
            readers.add(start("scanner", () -> {
                await(go);
                while (writing.get()) {
                    long[] before = new long[acked.length()];
                    for (int i = 0; i < before.length; i++) {
                        before[i] = acked.get(i);
                    }
                    Map<String, String> seen = contents(
                            set.scan(Bound.unbounded(), Bound.unbounded()));
                    for (int i = 0; i < before.length; i++) {
                        String v = seen.get(key(i).toUtf8String());
                        if (before[i] > 0 && (v == null || seqOf(b(v)) < before[i])) {
                            failures.add("scan saw " + v + " for key " + i + " after seq "
                                    + before[i] + " was acknowledged");
                        }
                    }
                }
            }));
            go.countDown();
            for (Thread t : writers) {
                join(t);
            }
            writing.set(false);
            for (Thread t : readers) {
                join(t);
            }
            assertEquals(List.of(), List.copyOf(failures));

            for (int i = 0; i < acked.length(); i++) {
                assertEquals(Optional.of(value(i, writesPerKey)), set.get(key(i)));
            }
            assertTrue(set.immutables().size() > 10, "expected many freezes, got "
                    + set.immutables().size());
            long previous = set.mutable().id();
            Set<Long> ids = new HashSet<>();
            ids.add(previous);
            for (MemTable t : set.immutables()) {
                assertTrue(t.id() < previous, "immutables must be newest first");
                previous = t.id();
                ids.add(t.id());
                assertFalse(t.isEmpty(), "table " + t.id() + " was frozen empty");
                assertTrue(t.approximateSize() >= 1024, "table " + t.id() + " frozen at "
                        + t.approximateSize() + " bytes, below the target");
            }
            assertEquals(new HashSet<>(backend.createdIds()), ids,
                    "every table created is the mutable or an immutable one");
        }
    }

    /** A backend without concurrent writes gets its writes serialised by the set. */
    @Test
    void put_singleWriterBackendGetsSerialisedWrites() throws Exception {
        TestBackend backend = TestBackend.singleWriter();
        try (MemTableSet set = MemTableSet.builder().backend(backend).freezeAtBytes(4096)
                .build()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int id = w;
                writers.add(start("writer-" + w, () -> {
                    await(go);
                    for (int i = 0; i < 500 * ROUNDS / 5 + 100; i++) {
                        set.put(b("w" + id + "-" + i), b("v"));
                    }
                }));
            }
            go.countDown();
            for (Thread t : writers) {
                join(t);
            }
            assertEquals(0, backend.concurrentPutViolations(),
                    "two writes were inside one single-writer table at once");
        }
    }

    /**
     * Readers run get and scan while a flush thread releases tables one by one, copying each to a
     * "disk" map first, as an engine does: no read fails, and every key is found in memory or, if
     * not, on disk afterwards. A scan that lost a table released under it would end early (its
     * source turns invalid) and miss the last keys, which live in the mutable table and never
     * reach the disk.
     */
    @Test
    void reads_neverFailOrMissWhileTablesAreReleased() throws Exception {
        int keys = 1200;
        try (MemTableSet set = MemTableSet.builder().backend(TestBackend.concurrent())
                .freezeAtBytes(200).build()) {
            for (int i = 0; i < keys; i++) {
                set.put(key(i), value(i, 1));
            }
            Map<Bytes, Bytes> disk = new ConcurrentHashMap<>();
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean flushing = new AtomicBoolean(true);
            CountDownLatch go = new CountDownLatch(1);
            Thread flusher = start("flusher", () -> {
                await(go);
                try {
                    Optional<MemTable> oldest;
                    while ((oldest = set.oldestImmutable()).isPresent()) {
                        try (MemTableIterator it = oldest.get().scan(Bound.unbounded(),
                                Bound.unbounded())) {
                            for (; it.isValid(); it.next()) {
                                disk.put(it.key(), it.value());
                            }
                        }
                        set.flushed(oldest.get());
                        Thread.yield();
                    }
                } catch (IOException | RuntimeException e) {
                    failures.add("flusher: " + e);
                } finally {
                    flushing.set(false);
                }
            });
            List<Thread> readers = new ArrayList<>();
            readers.add(start("getter", () -> {
                await(go);
                Random random = new Random(7);
                try {
                    while (flushing.get()) {
                        int i = random.nextInt(keys);
                        Optional<Bytes> got = set.get(key(i));
                        Bytes v = got.isPresent() ? got.get() : disk.get(key(i));
                        if (!value(i, 1).equals(v)) {
                            failures.add("key " + i + ": " + got + " in memory, " + v + " on disk");
                        }
                    }
                } catch (RuntimeException e) {
                    failures.add("getter: " + e);
                }
            }));
            readers.add(start("scanner", () -> {
                await(go);
                try {
                    while (flushing.get()) {
                        // Memory first, then disk, as an engine reads: a table missing from the
                        // scan's snapshot was released, so it was on disk before the scan began.
                        Map<String, String> seen = contents(
                                set.scan(Bound.unbounded(), Bound.unbounded()));
                        for (int i = 0; i < keys; i++) {
                            if (!seen.containsKey(key(i).toUtf8String())
                                    && !disk.containsKey(key(i))) {
                                failures.add("scan missed key " + i);
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    failures.add("scanner: " + e);
                }
            }));
            go.countDown();
            join(flusher);
            for (Thread t : readers) {
                join(t);
            }
            assertEquals(List.of(), List.copyOf(failures));
            assertEquals(List.of(), set.immutables());
            TreeMap<Bytes, Bytes> everything = new TreeMap<>(disk);
            for (int i = 0; i < keys; i++) {
                Optional<Bytes> inMemory = set.get(key(i));
                if (inMemory.isPresent()) {
                    everything.put(key(i), inMemory.get());
                }
            }
            assertEquals(keys, everything.size());
        }
    }

    /** Closing the set while writers run: they stop with IllegalStateException, none hangs. */
    @Test
    void close_whileWritersRunStopsThem() throws Exception {
        MemTableSet set = MemTableSet.builder().backend(TestBackend.concurrent())
                .freezeAtBytes(256).build();
        Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        CountDownLatch started = new CountDownLatch(3);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int id = w;
            writers.add(start("writer-" + w, () -> {
                started.countDown();
                try {
                    for (long i = 0; ; i++) {
                        set.put(b("w" + id + "-" + (i % 100)), b("v" + i));
                    }
                } catch (IllegalStateException e) {
                    if (!e.getMessage().contains("closed")) {
                        unexpected.add(e);
                    }
                } catch (RuntimeException e) {
                    unexpected.add(e);
                }
            }));
        }
        assertTrue(started.await(30, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (set.immutables().size() < 3 && System.nanoTime() < deadline) {
            Thread.yield();
        }
        set.close();
        for (Thread t : writers) {
            join(t);
        }
        assertEquals(List.of(), List.copyOf(unexpected));
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                fail("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
