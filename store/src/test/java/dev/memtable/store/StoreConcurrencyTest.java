package dev.memtable.store;

import static dev.memtable.store.StoreTestSupport.all;
import static dev.memtable.store.StoreTestSupport.b;
import static dev.memtable.store.StoreTestSupport.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Writers, readers, snapshots, flushes and merges at once. Each writer counts up its own keys, so
 * a reader knows what it may see: a key's value never goes back (a read that missed a table
 * being flushed, or a run being merged, would see an older count or nothing), and a snapshot
 * reads the same thing twice however much happens between.
 */
class StoreConcurrencyTest {

    static final String[] BACKENDS = StoreTestSupport.BACKENDS;
    private static final int WRITERS = 2;
    private static final int KEYS = 64;
    private static final int ROUNDS = 40;

    @TempDir
    Path dir;

    @ParameterizedTest
    @FieldSource("BACKENDS")
    void readsNeverGoBack_andSnapshotsNeverChange(String backend) throws Exception {
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        try (Store store = Store.open(dir, small(backend).withMaxRuns(3))) {
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                threads.add(new Thread(() -> {
                    for (int round = 1; round <= ROUNDS; round++) {
                        for (int k = 0; k < KEYS; k++) {
                            store.put(key(writer, k), b(String.format("%06d", round)));
                        }
                    }
                }));
            }
            threads.add(new Thread(() -> {
                int[][] seen = new int[WRITERS][KEYS];
                while (!done.get()) {
                    for (int w = 0; w < WRITERS; w++) {
                        for (int k = 0; k < KEYS; k++) {
                            Optional<dev.memtable.Bytes> v = store.get(key(w, k));
                            int now = v.map(x -> Integer.parseInt(x.toUtf8String())).orElse(0);
                            if (now < seen[w][k]) {
                                failures.add(new AssertionError("key " + w + "/" + k
                                        + " went back from " + seen[w][k] + " to " + now));
                                return;
                            }
                            seen[w][k] = now;
                        }
                    }
                }
            }));
            threads.add(new Thread(() -> {
                while (!done.get()) {
                    try (Snapshot s = store.snapshot()) {
                        Map<String, String> first = all(s);
                        Thread.yield();
                        Map<String, String> second = all(s);
                        if (!first.equals(second)) {
                            failures.add(new AssertionError("snapshot at " + s.sequence()
                                    + " changed: " + first + " then " + second));
                            return;
                        }
                    }
                }
            }));
            threads.add(new Thread(() -> {
                try {
                    while (!done.get()) {
                        store.compact();
                        store.flush();
                    }
                } catch (IOException e) {
                    failures.add(e);
                }
            }));
            for (Thread t : threads) {
                t.setUncaughtExceptionHandler((th, e) -> failures.add(e));
                t.start();
            }
            for (int w = 0; w < WRITERS; w++) {
                threads.get(w).join();
            }
            done.set(true);
            for (Thread t : threads) {
                t.join();
            }
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError(failures.size() + " failures");
                failures.forEach(e::addSuppressed);
                throw e;
            }
            TreeMap<String, String> expected = new TreeMap<>();
            for (int w = 0; w < WRITERS; w++) {
                for (int k = 0; k < KEYS; k++) {
                    expected.put(key(w, k).toUtf8String(), String.format("%06d", ROUNDS));
                }
            }
            assertEquals(expected, all(store));
            StoreStats stats = store.stats();
            assertTrue(stats.flushes() > 0 && stats.compactions() > 0, stats.toString());
        }
    }

    /**
     * Under writes that never stop, the background merge still runs (runs stay at most
     * {@code maxRuns}), and {@code flush()} and {@code compact()} return: they do the work there
     * was when they were called, not every table the writers keep freezing.
     */
    @ParameterizedTest
    @FieldSource("BACKENDS")
    void sustainedWrites_stillMerge_andFlushAndCompactReturn(String backend) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (Store store = Store.open(dir, small(backend).withFreezeAtBytes(16 << 10)
                .withMaxRuns(3))) {
            Thread writer = new Thread(() -> {
                byte[] value = new byte[100];
                for (long i = 0; !stop.get(); i++) {
                    store.put(b("k" + (i % 5000)), dev.memtable.Bytes.wrap(value));
                }
            });
            writer.setUncaughtExceptionHandler((t, e) -> failures.add(e));
            writer.start();
            try {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (store.stats().flushes() < 20 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertTimeoutPreemptively(Duration.ofSeconds(30), store::flush,
                        "flush() must not chase the writer");
                assertTimeoutPreemptively(Duration.ofSeconds(30), store::compact,
                        "compact() must not wait behind an endless flush pass");
                StoreStats stats = store.stats();
                assertTrue(stats.flushes() >= 20, stats.toString());
                assertTrue(stats.compactions() > 0, "merges ran under load: " + stats);
                assertTrue(stats.runs() <= 3, "runs stay at most maxRuns: " + stats);
            } finally {
                stop.set(true);
                writer.join();
            }
            assertTrue(failures.isEmpty(), failures.toString());
        }
    }

    private static dev.memtable.Bytes key(int writer, int k) {
        return b("w" + writer + "-" + String.format("%03d", k));
    }
}
