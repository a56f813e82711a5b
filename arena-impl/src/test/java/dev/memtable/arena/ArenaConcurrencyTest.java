package dev.memtable.arena;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lock-free insertion under real concurrency: several threads released together by a latch,
 * results verified afterwards, including the structure of every level of the skip list. Counts,
 * not timings; more rounds with {@code -Dmemtable.test.rounds=200}.
 */
class ArenaConcurrencyTest {

    private static final int THREADS = 4;
    private static final int ROUNDS = Integer.getInteger("memtable.test.rounds", 5);

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS + 2);

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "test threads did not stop");
    }

    @Test
    void put_concurrentWritersOfDisjointKeys_everyEntryPresentAndListWellFormed() throws Exception {
        for (ArenaMemTable table : List.of(Tables.table(), Tables.tinyChunkTable())) {
            // Tiny chunks: bounded, so that a soak stays within the chunks it can address.
            int perThread = table.id() == 1 ? 5_000 * ROUNDS : Math.min(5_000 * ROUNDS, 50_000);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    Random random = new Random(thread);
                    for (int i = 0; i < perThread; i++) {
                        table.put(key(thread, i, random), value(thread, i));
                    }
                    return null;
                }));
            }
            start.countDown();
            awaitAll(done);

            for (int t = 0; t < THREADS; t++) {
                Random random = new Random(t);
                for (int i = 0; i < perThread; i++) {
                    Bytes key = key(t, i, random);
                    assertEquals(value(t, i), table.get(key).orElse(null), "entry " + t + "/" + i);
                }
            }
            assertEquals(THREADS * perThread, checkStructure(table.list()));
            table.close();
        }
    }

    @Test
    void put_concurrentWritersOfTheSameKeys_newestVersionIsSomeThreadsLastValue()
            throws Exception {
        int keys = 2_000;
        int rounds = 2 + ROUNDS;
        ArenaMemTable table = Tables.tinyChunkTable();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                for (int round = 0; round < rounds; round++) {
                    // Threads walk the keys in different orders, so inserts of one key collide.
                    for (int i = 0; i < keys; i++) {
                        int k = thread % 2 == 0 ? i : keys - 1 - i;
                        table.put(sharedKey(k), sharedValue(thread, round));
                    }
                }
                return null;
            }));
        }
        start.countDown();
        awaitAll(done);

        Set<Bytes> lastValues = new HashSet<>();
        for (int t = 0; t < THREADS; t++) {
            lastValues.add(sharedValue(t, rounds - 1));
        }
        for (int k = 0; k < keys; k++) {
            Bytes value = table.get(sharedKey(k)).orElse(null);
            assertTrue(lastValues.contains(value), "key " + k + " holds " + value);
        }
        // Every unversioned put is a version of its own.
        assertEquals(keys * rounds * THREADS, checkStructure(table.list()));
        table.close();
    }

    @Test
    void scan_whileWritersInsert_ascendingNoDuplicatesOnlyWrittenValuesAndEveryOlderKey()
            throws Exception {
        ArenaMemTable table = Tables.tinyChunkTable();
        int preloaded = 2_000;
        Set<Bytes> older = new HashSet<>();
        Random seedRandom = new Random(99);
        for (int i = 0; i < preloaded; i++) {
            Bytes key = Bytes.wrap(Tables.randomBytes(seedRandom, 1 + seedRandom.nextInt(12)));
            table.put(key, valueFor(key, 0));
            older.add(key);
        }
        int perWriter = 3_000 * ROUNDS;
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int thread = t;
            writers.add(pool.submit(() -> {
                start.await();
                Random random = new Random(1000 + thread);
                for (int i = 0; i < perWriter; i++) {
                    Bytes key = Bytes.wrap(Tables.randomBytes(random, 1 + random.nextInt(12)));
                    table.put(key, random.nextInt(5) == 0 ? Bytes.EMPTY : valueFor(key, 1 + i));
                }
                return null;
            }));
        }
        List<Future<Integer>> scanners = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            scanners.add(pool.submit((Callable<Integer>) () -> {
                start.await();
                int scans = 0;
                do {
                    Set<Bytes> seen = new HashSet<>();
                    Bytes previous = null;
                    try (MemTableIterator it = table.scan(Bound.unbounded(), Bound.unbounded())) {
                        for (; it.isValid(); it.next()) {
                            Bytes key = it.key();
                            if (previous != null) {
                                assertTrue(previous.compareTo(key) < 0,
                                        previous + " then " + key);
                            }
                            previous = key;
                            seen.add(key);
                            checkValue(key, it.value());
                        }
                    }
                    assertTrue(seen.containsAll(older), "a scan missed a key present before it");
                    scans++;
                } while (writing.get());
                return scans;
            }));
        }
        start.countDown();
        awaitAll(writers);
        writing.set(false);
        for (Future<Integer> scanner : scanners) {
            assertTrue(scanner.get(60, TimeUnit.SECONDS) > 0);
        }
        checkStructure(table.list());
        table.close();
    }

    /**
     * Writers insert versions of the same keys at interleaved sequences: each sequence belongs to
     * a pair of threads, and both threads of the pair write every {@code (key, sequence)} of
     * theirs, each in its own shuffled order, so versions arrive out of order and inserts of the
     * same version race (the loser must store its value into the winner's node). Readers scan at
     * random sequences and walk every version meanwhile. Afterwards every key's chain is strictly
     * descending and complete: no version lost, none twice, each holding one of its two writers'
     * values, and every get at a sequence finds its version.
     */
    @Test
    void put_versionsOfTheSameKeysAtInterleavedSequences_everyChainCompleteAndDescending()
            throws Exception {
        int keys = 300;
        int sequences = 8 * (2 + ROUNDS); // per key; sequence s belongs to the pair s % 2
        ArenaMemTable table = Tables.tinyChunkTable();
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            writers.add(pool.submit(() -> {
                List<long[]> mine = new ArrayList<>();
                for (int k = 0; k < keys; k++) {
                    for (long seq = 1 + pairOf(thread); seq <= sequences; seq += 2) {
                        mine.add(new long[] {k, seq});
                    }
                }
                Collections.shuffle(mine, new Random(thread));
                start.await();
                for (long[] version : mine) {
                    int k = (int) version[0];
                    long seq = version[1];
                    table.put(sharedKey(k), versionValue(k, seq, thread), seq);
                }
                return null;
            }));
        }
        List<Future<Integer>> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            int reader = r;
            readers.add(pool.submit((Callable<Integer>) () -> {
                start.await();
                Random random = new Random(500 + reader);
                int reads = 0;
                do {
                    long at = random.nextInt(sequences + 2);
                    checkVersionedRead(table, at, reader == 0);
                    reads++;
                } while (writing.get());
                return reads;
            }));
        }
        start.countDown();
        awaitAll(writers);
        writing.set(false);
        for (Future<Integer> reader : readers) {
            assertTrue(reader.get(60, TimeUnit.SECONDS) > 0);
        }

        assertEquals(keys * sequences, checkStructure(table.list()), "a version lost or doubled");
        for (int k = 0; k < keys; k++) {
            List<Long> chain = new ArrayList<>();
            try (MemTableIterator it = table.versions(Bound.included(sharedKey(k)),
                    Bound.included(sharedKey(k)))) {
                for (; it.isValid(); it.next()) {
                    chain.add(it.sequence());
                    checkVersionValue(k, it.sequence(), it.value());
                }
            }
            List<Long> expected = new ArrayList<>();
            for (long seq = sequences; seq >= 1; seq--) {
                expected.add(seq);
            }
            assertEquals(expected, chain, "key " + k);
            for (long seq = 0; seq <= sequences + 1; seq++) {
                Bytes got = table.get(sharedKey(k), seq).orElse(null);
                if (seq == 0) {
                    assertEquals(null, got);
                } else {
                    checkVersionValue(k, Math.min(seq, sequences), got);
                }
            }
        }
        table.close();
    }

    /** Threads 0 and 1 write the odd sequences, 2 and 3 the even ones. */
    private static int pairOf(int thread) {
        return thread / 2 % 2;
    }

    /** The value of version {@code seq} of key {@code k} as {@code thread} writes it. */
    private static Bytes versionValue(int k, long seq, int thread) {
        return Tables.utf8(k + "@" + seq + "/" + thread);
    }

    /** Checks that {@code value} is what one of the two writers of {@code k@seq} wrote. */
    private static void checkVersionValue(int k, long seq, Bytes value) {
        String v = value == null ? "null" : value.toUtf8String();
        String prefix = k + "@" + seq + "/";
        assertTrue(v.startsWith(prefix), "key " + k + " at " + seq + " holds " + v);
        int writer = Integer.parseInt(v.substring(prefix.length()));
        assertEquals(pairOf(writer), (int) (seq - 1) % 2, "written by the wrong pair: " + v);
    }

    /**
     * While writers run: a scan at {@code at} yields keys strictly ascending, each once, with a
     * version at or below {@code at} whose value is that version's; or every version, in
     * strictly ascending internal-key order.
     */
    private static void checkVersionedRead(ArenaMemTable table, long at, boolean scan) {
        Bytes previous = null;
        long previousSequence = 0;
        try (MemTableIterator it = scan ? table.scan(Bound.unbounded(), Bound.unbounded(), at)
                : table.versions(Bound.unbounded(), Bound.unbounded())) {
            for (; it.isValid(); it.next()) {
                Bytes key = it.key();
                long seq = it.sequence();
                if (previous != null) {
                    int cmp = previous.compareTo(key);
                    assertTrue(cmp < 0 || !scan && cmp == 0 && previousSequence > seq,
                            previous + "@" + previousSequence + " then " + key + "@" + seq);
                }
                if (scan) {
                    assertTrue(seq <= at, "a version above the read sequence: " + seq);
                }
                String k = key.toUtf8String().substring("shared-".length());
                checkVersionValue(Integer.parseInt(k), seq, it.value());
                previous = key;
                previousSequence = seq;
            }
        }
    }

    /** A value that names its key and a version, so a scanner can check it belongs there. */
    private static Bytes valueFor(Bytes key, int version) {
        byte[] k = key.toByteArray();
        return Bytes.wrap(ByteBuffer.allocate(4 + k.length).putInt(version).put(k).array());
    }

    private static void checkValue(Bytes key, Bytes value) {
        if (value.isEmpty()) {
            return; // a tombstone
        }
        byte[] v = value.toByteArray();
        assertArrayEquals(key.toByteArray(), java.util.Arrays.copyOfRange(v, 4, v.length),
                "value " + value + " was never written for " + key);
    }

    /** A 16-byte random key, unique per (thread, i) through its last 8 bytes. */
    private static Bytes key(int thread, int i, Random random) {
        return Bytes.wrap(ByteBuffer.allocate(16).putLong(random.nextLong())
                .putInt(thread).putInt(i).array());
    }

    private static Bytes value(int thread, int i) {
        return Tables.utf8("value-" + thread + "-" + i);
    }

    /** Thread 0 writes tombstones in some rounds. */
    private static Bytes sharedValue(int thread, int round) {
        return round % 3 == 1 && thread == 0 ? Bytes.EMPTY
                : Tables.utf8("t" + thread + "r" + round);
    }

    private static Bytes sharedKey(int k) {
        return Tables.utf8("shared-" + k);
    }

    private static void awaitAll(List<? extends Future<?>> futures) throws Exception {
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
    }

    /**
     * Checks every level: internal keys strictly ascending (key ascending, then sequence
     * descending), each node tall enough for the level it is on, and every node of a level also
     * on the level below; and on level 0 that exactly the versions that are not their key's
     * newest are marked superseded (call it once writers are done). Returns the node count of
     * level 0 (the number of versions).
     */
    static int checkStructure(ArenaSkipList list) {
        Set<Integer> below = null;
        int count0 = 0;
        for (int level = 0; level < ArenaSkipList.MAX_HEIGHT; level++) {
            Set<Integer> here = new HashSet<>();
            Bytes previous = null;
            long previousSequence = 0;
            for (int node = list.first(level); node != Arena.NIL; node = list.next(node, level)) {
                Bytes key = list.key(node);
                long sequence = list.sequence(node);
                boolean sameKey = false;
                if (previous != null) {
                    int cmp = previous.compareTo(key);
                    assertTrue(cmp < 0 || cmp == 0 && previousSequence > sequence,
                            "level " + level + ": " + previous + "@" + previousSequence
                                    + " then " + key + "@" + sequence);
                    sameKey = cmp == 0;
                }
                if (level == 0) {
                    assertEquals(sameKey, list.superseded(node), key + "@" + sequence
                            + (sameKey ? " is not marked superseded" : " is its key's newest"
                            + " but marked superseded"));
                }
                previous = key;
                previousSequence = sequence;
                assertTrue(list.towerHeight(node) > level, "node too short for level " + level);
                if (below != null) {
                    assertTrue(below.contains(node), "level " + level + " skips level below");
                }
                assertTrue(here.add(node), "node twice on level " + level);
            }
            if (level == 0) {
                count0 = here.size();
            }
            below = here;
        }
        return count0;
    }
}
