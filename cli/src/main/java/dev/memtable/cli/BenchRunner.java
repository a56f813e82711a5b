package dev.memtable.cli;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.SyncPolicy;
import dev.memtable.WalOptions;
import dev.memtable.spi.MemTableProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The standard workload of {@code memtable bench}, run against one backend in the JVM that
 * {@link BenchCommand} started for it. Every phase measures what the JMH suite in
 * {@code benchmarks/} measures, the same way, on the same data ({@link Workload}), so the two
 * agree:
 * <ul>
 *   <li><b>heap B/entry</b>: {@link HeapProbe} around a load of freshly allocated random keys and
 *       values (the suite's {@code MemoryFootprint});</li>
 *   <li><b>puts/s</b>: fills of a fresh, empty table with the random keys; warm-up fills, then
 *       measured fills; entries / mean fill time ({@code PutBenchmark.randomPut}). With several
 *       threads, thread {@code i} of {@code n} puts keys {@code i, i + n, …};</li>
 *   <li><b>gets/s</b>: present keys chosen uniformly at random, an order unrelated to insertion,
 *       in timed rounds on a filled table; operations / time, summed over threads
 *       ({@code ReadBenchmark.getHit});</li>
 *   <li><b>scans/s</b>: 100 consecutive entries from a random present key
 *       ({@code ScanBenchmark.scan}, {@code scanLength=100});</li>
 *   <li>synced WAL writes from several threads, and recovery of a log of every entry.</li>
 * </ul>
 */
final class BenchRunner {

    /** Sizes, thread counts and rounds of one run. */
    record Settings(int entries, int keySize, int valueSize, int threads, int walWrites,
                    int walThreads, int warmups, int iterations, double seconds) {
    }

    /** What one backend achieved. */
    record Result(String backend, double putsPerSecond, double getsPerSecond,
                  double scansPerSecond, double heapBytesPerEntry, double payloadBytesPerEntry,
                  double walSyncedWritesPerSecond, double recoveryMillis,
                  double recoveryMbPerSecond) {
    }

    /** The phases, for progress reporting. */
    static final String[] PHASES = {"heap", "puts", "gets", "scans", "WAL synced writes",
            "recovery"};

    /** Entries each scan reads. */
    static final int SCAN_LENGTH = 100;

    private final Settings settings;
    private final Path scratch;
    private final byte[][] keys;
    private final byte[][] values;

    BenchRunner(Settings settings, Path scratch) {
        this.settings = settings;
        this.scratch = scratch;
        this.keys = Workload.randomKeys(settings.entries(), settings.keySize(),
                Workload.PRESENT_SEED, 0);
        this.values = Workload.values(settings.valueSize());
    }

    /** Runs every phase on {@code provider}; {@code progress} gets (phase index, fraction ‰). */
    Result run(MemTableProvider provider, PhaseListener progress) throws IOException {
        int n = settings.entries();
        HeapProbe.Footprint heap;
        try (MemTable probed = provider.create(1)) {
            heap = HeapProbe.ofThisJvm().measure(probed, n, t -> Workload.loadFresh(n,
                    settings.keySize(), settings.valueSize(),
                    (k, v) -> t.put(Bytes.wrap(k), Bytes.wrap(v))));
        }
        progress.at(0, 1000);

        int fills = settings.warmups() + settings.iterations();
        double measuredSeconds = 0;
        MemTable table = null;
        try {
            for (int f = 0; f < fills; f++) {
                if (table != null) {
                    table.close();
                }
                MemTable t = provider.create(10 + f);
                table = t;
                int threads = settings.threads();
                double s = timed(threads, thread -> {
                    for (int i = thread; i < n; i += threads) {
                        t.put(Bytes.wrap(keys[i]), Bytes.wrap(Workload.valueFor(values, i)));
                    }
                });
                if (f >= settings.warmups()) {
                    measuredSeconds += s;
                }
                progress.at(1, (f + 1) * 1000L / fills);
            }
            double puts = n / (measuredSeconds / settings.iterations());
            checkFilled(provider, table);

            MemTable filled = table;
            double gets = rounds(2, progress, () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                if (filled.get(Bytes.wrap(keys[random.nextInt(n)])).isEmpty()) {
                    throw new IllegalStateException(provider.name() + " lost a key");
                }
            });
            byte[][] sorted = Workload.sorted(keys);
            int starts = Math.max(1, n - SCAN_LENGTH);
            double scans = rounds(3, progress, () -> {
                int from = ThreadLocalRandom.current().nextInt(starts);
                int read = 0;
                try (MemTableIterator it = filled.scan(Bound.included(Bytes.wrap(sorted[from])),
                        Bound.unbounded())) {
                    for (; it.isValid() && read < SCAN_LENGTH; it.next()) {
                        if (it.value().isEmpty()) {
                            throw new IllegalStateException("unexpected tombstone at "
                                    + it.key());
                        }
                        read++;
                    }
                }
                if (read != Math.min(SCAN_LENGTH, n - from)) {
                    throw new IllegalStateException(provider.name() + " scanned " + read
                            + " entries from key " + from + ", expected "
                            + Math.min(SCAN_LENGTH, n - from));
                }
            });
            table.close();
            table = null;
            double walRate = walSyncedWrites(provider, progress);
            double[] recovery = recovery(provider, progress);
            return new Result(provider.name(), puts, gets, scans, heap.bytesPerEntry(),
                    settings.keySize() + settings.valueSize(), walRate, recovery[0],
                    recovery[1]);
        } finally {
            if (table != null) {
                table.close();
            }
        }
    }

    private void checkFilled(MemTableProvider provider, MemTable table) {
        int n = settings.entries();
        for (int i : new int[] {0, n / 2, n - 1}) {
            if (table.get(Bytes.wrap(keys[i])).isEmpty()) {
                throw new IllegalStateException(provider.name() + " lost key " + i
                        + " of the fill");
            }
        }
    }

    /** Reports progress: phase index and per-mille done. */
    interface PhaseListener {
        void at(int phase, long perMille);
    }

    /**
     * Runs {@code op} on every thread for the warm-up rounds, then the measured rounds, each
     * {@code seconds} long; returns operations per second over the measured rounds, summed over
     * the threads.
     */
    private double rounds(int phase, PhaseListener progress, Runnable op) {
        int rounds = settings.warmups() + settings.iterations();
        long nanos = (long) (settings.seconds() * 1e9);
        long ops = 0;
        double seconds = 0;
        for (int r = 0; r < rounds; r++) {
            long[] counts = new long[settings.threads()];
            double s = timed(settings.threads(), thread -> {
                long deadline = System.nanoTime() + nanos;
                long count = 0;
                do {
                    for (int i = 0; i < 64; i++) {
                        op.run();
                    }
                    count += 64;
                } while (System.nanoTime() < deadline);
                counts[thread] = count;
            });
            if (r >= settings.warmups()) {
                for (long c : counts) {
                    ops += c;
                }
                seconds += s;
            }
            progress.at(phase, (r + 1) * 1000L / rounds);
        }
        return ops / seconds;
    }

    private double walSyncedWrites(MemTableProvider provider, PhaseListener progress)
            throws IOException {
        Path file = scratch.resolve(provider.name() + "-sync.wal");
        Files.deleteIfExists(file);
        int writes = settings.walWrites();
        int threads = settings.walThreads();
        try (MemTable table = provider.createWithWal(2, file,
                WalOptions.defaults().withSyncPolicy(SyncPolicy.EVERY_WRITE))) {
            double s = timed(threads, thread -> {
                for (int i = thread; i < writes; i += threads) {
                    table.put(Bytes.wrap(keys[i % keys.length]),
                            Bytes.wrap(Workload.valueFor(values, i)));
                }
            });
            progress.at(4, 1000);
            return writes / s;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private double[] recovery(MemTableProvider provider, PhaseListener progress)
            throws IOException {
        Path file = scratch.resolve(provider.name() + "-recover.wal");
        Files.deleteIfExists(file);
        int n = settings.entries();
        try {
            try (MemTable table = provider.createWithWal(3, file)) {
                for (int i = 0; i < n; i++) {
                    table.put(Bytes.wrap(keys[i]), Bytes.wrap(Workload.valueFor(values, i)));
                    if (i % 4096 == 0) {
                        progress.at(5, i * 500L / n);
                    }
                }
            }
            long bytes = Files.size(file);
            long start = System.nanoTime();
            try (MemTable recovered = provider.recoverFromWal(3, file)) {
                double s = seconds(start);
                if (recovered.get(Bytes.wrap(keys[n - 1])).isEmpty()) {
                    throw new IllegalStateException(provider.name()
                            + " did not recover the last write");
                }
                progress.at(5, 1000);
                return new double[] {s * 1000, bytes / 1e6 / s};
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Runs {@code body(thread)} on {@code threads} threads released together; returns the seconds
     * from the release until the last one finished. The first failure is rethrown.
     */
    private static double timed(int threads, ThreadBody body) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    body.run(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-" + t);
            workers.add(w);
            w.start();
        }
        long begin = System.nanoTime();
        start.countDown();
        try {
            for (Thread w : workers) {
                w.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        double s = seconds(begin);
        Throwable f = failure.get();
        if (f instanceof UncheckedIOException u) {
            throw u;
        }
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f != null) {
            throw new IllegalStateException(f.getMessage(), f);
        }
        return s;
    }

    private interface ThreadBody {
        void run(int thread) throws Exception;
    }

    private static double seconds(long startNanos) {
        return Math.max(1, System.nanoTime() - startNanos) / 1e9;
    }

    /** Deletes the scratch directory and what the run left in it. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
