package dev.memtable.store;

import static dev.memtable.store.StoreTestSupport.all;
import static dev.memtable.store.StoreTestSupport.b;
import static dev.memtable.store.StoreTestSupport.contents;
import static dev.memtable.store.StoreTestSupport.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The store's reads and writes across memtables and runs, in the manner of mini-lsm's week 1
 * days 5 and 6 (the read path over memtables and sorted tables; flushing and reading through),
 * over every backend.
 */
class StoreTest {

    static final String[] BACKENDS = StoreTestSupport.BACKENDS;

    @TempDir
    Path dir;

    /** mini-lsm week 1 day 5: reads see the memtables and the runs, newest first. */
    @ParameterizedTest
    @FieldSource("BACKENDS")
    void readPath_newestFirstAcrossMemtablesAndRuns(String backend) throws IOException {
        try (Store store = Store.open(dir, small(backend))) {
            store.put(b("0"), b("2333333"));
            store.put(b("00"), b("2333333"));
            store.put(b("4"), b("23"));
            store.flush();                                  // run 1
            store.delete(b("4"));
            store.flush();                                  // run 2: the tombstone
            store.put(b("1"), b("233"));
            store.put(b("2"), b("2333"));
            store.put(b("00"), b("2333"));
            store.flush();                                  // run 3
            store.put(b("00"), b("23333"));                 // memtable
            store.delete(b("3"));
            store.delete(b("1"));

            assertEquals(3, store.stats().runs());
            assertEquals(Optional.of(b("2333333")), store.get(b("0")), "from the oldest run");
            assertEquals(Optional.of(b("23333")), store.get(b("00")), "the memtable's wins");
            assertEquals(Optional.empty(), store.get(b("1")), "a memtable tombstone hides a run");
            assertEquals(Optional.of(b("2333")), store.get(b("2")));
            assertEquals(Optional.empty(), store.get(b("3")));
            assertEquals(Optional.empty(), store.get(b("4")), "a newer run's tombstone hides it");
            assertEquals(Optional.empty(), store.get(b("5")));
            assertEquals(Map.of("0", "2333333", "00", "23333", "2", "2333"), all(store));
            assertEquals(Map.of("00", "23333", "2", "2333"), contents(store.scan(
                    Bound.excluded(b("0")), Bound.included(b("3")))));
            assertEquals(Map.of(), contents(store.scan(Bound.included(b("3")),
                    Bound.included(b("4")))));
            assertEquals(Map.of(), contents(store.scan(Bound.included(b("2")),
                    Bound.excluded(b("2")))), "an empty range");
        }
    }

    /** mini-lsm week 1 day 6: flushed data reads through the runs, after a restart too. */
    @ParameterizedTest
    @FieldSource("BACKENDS")
    void flushAndReadThrough_manyRunsThenRestart(String backend) throws IOException {
        TreeMap<String, String> model = new TreeMap<>();
        try (Store store = Store.open(dir, small(backend).withMaxRuns(100))) {
            for (int i = 0; i < 2000; i++) {
                String k = String.format("key%05d", (i * 7919) % 1000);
                if (i % 11 == 0) {
                    store.delete(b(k));
                    model.remove(k);
                } else {
                    store.put(b(k), b("v" + i));
                    model.put(k, "v" + i);
                }
            }
            store.flush();
            StoreStats stats = store.stats();
            assertTrue(stats.runs() > 5, "4 KiB tables must have flushed many times: " + stats);
            assertEquals(0, stats.compactions());
            assertEquals(model, all(store));
            for (int i = 0; i < 1000; i++) {
                String k = String.format("key%05d", i);
                assertEquals(Optional.ofNullable(model.get(k)).map(Bytes::ofUtf8), store.get(b(k)),
                        k);
            }
            assertEquals(model.subMap("key00100", true, "key00200", false),
                    contents(store.scan(Bound.included(b("key00100")),
                            Bound.excluded(b("key00200")))));
        }
        try (Store store = Store.open(dir, small(backend))) {
            assertEquals(model, all(store));
            long before = store.lastSequence();
            assertTrue(before >= 2000, "sequences survive a restart with every log flushed");
            store.put(b("key00001"), b("after"));
            assertEquals(before + 1, store.lastSequence());
            model.put("key00001", "after");
            assertEquals(model, all(store));
        }
    }

    @ParameterizedTest
    @FieldSource("BACKENDS")
    void unflushedWrites_areReplayedFromTheLogs(String backend) throws IOException {
        try (Store store = Store.open(dir, StoreOptions.defaults().withBackend(backend))) {
            store.put(b("a"), b("1"));
            store.flush();
            store.put(b("a"), b("2"));
            store.write(new WriteBatch().put(b("b"), b("2")).delete(b("c")));
            assertEquals(1, store.stats().runs());
        }
        try (Store store = Store.open(dir, StoreOptions.defaults().withBackend(backend))) {
            assertEquals(Map.of("a", "2", "b", "2"), all(store));
            assertEquals(3, store.lastSequence());
        }
    }

    @ParameterizedTest
    @FieldSource("BACKENDS")
    void automaticMerge_keepsTheRunCountBelowMaxRuns(String backend) throws IOException {
        TreeMap<String, String> model = new TreeMap<>();
        try (Store store = Store.open(dir, small(backend).withMaxRuns(3))) {
            for (int i = 0; i < 3000; i++) {
                String k = "k" + (i % 300);
                store.put(b(k), b("v" + i));
                model.put(k, "v" + i);
            }
            store.flush();
            StoreStats stats = store.stats();
            assertTrue(stats.compactions() > 0, "merges must have run: " + stats);
            assertTrue(stats.runs() < 3, "a flush that leaves 3 runs merges them: " + stats);
            assertEquals(model, all(store));
        }
    }

    @ParameterizedTest
    @FieldSource("BACKENDS")
    void compact_leavesOneRunOfTheLiveVersionsOnly(String backend) throws IOException {
        try (Store store = Store.open(dir, small(backend).withMaxRuns(100))) {
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 50; i++) {
                    store.put(b("k" + i), b("r" + round));
                }
                store.delete(b("k" + round));
                store.flush();
            }
            assertEquals(5, store.stats().runs());
            // Each flush keeps one version a key (no snapshot is open): k<round>'s put and
            // delete in one table leave only the tombstone.
            assertEquals(5 * 50, store.stats().runEntries());
            assertEquals(5, store.compact());
            StoreStats stats = store.stats();
            assertEquals(1, stats.runs());
            // k0..k3 were rewritten after their delete; k4's tombstone shadows nothing older.
            assertEquals(49, stats.runEntries(), "one version per live key, no tombstone");
            assertEquals(Optional.empty(), store.get(b("k4")));
            assertEquals(Optional.of(b("r4")), store.get(b("k0")));
            assertEquals(1, store.compact(), "nothing left to merge");
            assertEquals(49, all(store).size());
        }
        assertEquals(1, runFiles().length, "merged runs' files are deleted");
    }

    @ParameterizedTest
    @FieldSource("BACKENDS")
    void compact_dropsEverythingWhenEveryKeyIsDeleted(String backend) throws IOException {
        try (Store store = Store.open(dir, small(backend))) {
            store.put(b("a"), b("1"));
            store.flush();
            store.delete(b("a"));
            store.flush();
            assertEquals(2, store.compact());
            assertEquals(0, store.stats().runs(), "no run is written for nothing");
            assertEquals(Optional.empty(), store.get(b("a")));
        }
        assertEquals(0, runFiles().length);
        try (Store store = Store.open(dir, small(backend))) {
            assertEquals(Map.of(), all(store));
        }
    }

    @ParameterizedTest
    @FieldSource("BACKENDS")
    void blockCache_countsHitsAndMisses(String backend) throws IOException {
        try (Store store = Store.open(dir, small(backend).withBlockCacheBytes(1 << 20))) {
            for (int i = 0; i < 200; i++) {
                store.put(b(String.format("k%04d", i)), b("value-" + i));
            }
            store.flush();
            BlockCacheStats before = store.cacheStats();
            for (int i = 0; i < 200; i++) {
                assertEquals(Optional.of(b("value-" + i)), store.get(b(String.format("k%04d", i))));
            }
            for (int i = 0; i < 200; i++) {
                store.get(b(String.format("k%04d", i)));
            }
            BlockCacheStats after = store.cacheStats();
            assertTrue(after.misses() > before.misses(), "the first reads load blocks: " + after);
            assertTrue(after.hits() - before.hits() >= 200, "the second pass hits: " + after);
            assertTrue(after.hitRate() > 0.5, after.toString());
            assertEquals(1 << 20, after.capacityBytes());
            assertEquals(1 << 20, store.stats().cache().capacityBytes());
        }
    }

    @ParameterizedTest
    @FieldSource("BACKENDS")
    void flush_ofEmptyMemtables_writesNoRun(String backend) throws IOException {
        try (Store store = Store.open(dir, small(backend))) {
            store.flush();
            assertEquals(0, store.stats().runs());
            assertEquals(0, store.stats().flushes());
            assertEquals(0, store.compact());
        }
    }

    private Path[] runFiles() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".run"))
                    .toArray(Path[]::new);
        }
    }
}
