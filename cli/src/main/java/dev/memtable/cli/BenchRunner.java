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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The standard workload of {@code memtable bench}, run against one backend: random puts, point
 * gets of present keys, a full scan, heap bytes per entry (measured by {@link HeapProbe} around
 * the puts, the same probe the benchmarks' memory figures use), synced WAL writes from several
 * threads, and recovery of the log. Keys are derived from their index by a mixing function, so
 * nothing is held outside the table while its heap use is measured.
 */
final class BenchRunner {

    /** Sizes and thread counts of one run. */
    record Settings(int entries, int keySize, int valueSize, int threads, int walWrites,
                    int walThreads) {
    }

    /** What one backend achieved. */
    record Result(String backend, double putsPerSecond, double getsPerSecond,
                  double scannedPerSecond, double heapBytesPerEntry, double payloadBytesPerEntry,
                  double walSyncedWritesPerSecond, double recoveryMillis, double recoveryMbPerSecond) {
    }

    /** The phases, for progress reporting. */
    static final String[] PHASES = {"puts", "gets", "scan", "WAL synced writes", "recovery"};

    private final Settings settings;
    private final Path scratch;

    BenchRunner(Settings settings, Path scratch) {
        this.settings = settings;
        this.scratch = scratch;
    }

    /** Runs every phase on {@code provider}; {@code progress} gets (phase index, fraction ‰). */
    Result run(MemTableProvider provider, PhaseListener progress) throws IOException {
        MemTable table = provider.create(1);
        try {
            double[] putRate = new double[1];
            HeapProbe.Footprint heap = HeapProbe.ofThisJvm().measure(table, settings.entries,
                    t -> putRate[0] = timedParallel(settings.entries, settings.threads,
                            i -> t.put(key(i), value(i)), done -> progress.at(0, done)));
            double puts = putRate[0];
            double gets = timedParallel(settings.entries, settings.threads, i -> {
                if (table.get(key(i)).isEmpty()) {
                    throw new IllegalStateException(provider.name() + " lost key " + i);
                }
            }, done -> progress.at(1, done));
            long start = System.nanoTime();
            long scanned = 0;
            try (MemTableIterator it = table.scan(Bound.unbounded(), Bound.unbounded())) {
                for (; it.isValid(); it.next()) {
                    if (it.value().isEmpty()) {
                        throw new IllegalStateException("unexpected tombstone at " + it.key());
                    }
                    if (++scanned % 4096 == 0) {
                        progress.at(2, scanned * 1000 / settings.entries);
                    }
                }
            }
            double scanRate = scanned / seconds(start);
            if (scanned != settings.entries) {
                throw new IllegalStateException(provider.name() + " scanned " + scanned
                        + " entries, expected " + settings.entries);
            }
            double walRate = walSyncedWrites(provider, progress);
            double[] recovery = recovery(provider, progress);
            return new Result(provider.name(), puts, gets, scanRate, heap.bytesPerEntry(),
                    settings.keySize + settings.valueSize, walRate, recovery[0], recovery[1]);
        } finally {
            table.close();
        }
    }

    /** Reports progress: phase index and per-mille done. */
    interface PhaseListener {
        void at(int phase, long perMille);
    }

    private double walSyncedWrites(MemTableProvider provider, PhaseListener progress)
            throws IOException {
        Path file = scratch.resolve(provider.name() + "-sync.wal");
        Files.deleteIfExists(file);
        try (MemTable table = provider.createWithWal(2, file,
                WalOptions.defaults().withSyncPolicy(SyncPolicy.EVERY_WRITE))) {
            return timedParallel(settings.walWrites, settings.walThreads,
                    i -> table.put(key(i), value(i)), done -> progress.at(3, done));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private double[] recovery(MemTableProvider provider, PhaseListener progress) throws IOException {
        Path file = scratch.resolve(provider.name() + "-recover.wal");
        Files.deleteIfExists(file);
        try {
            try (MemTable table = provider.createWithWal(3, file)) {
                for (int i = 0; i < settings.entries; i++) {
                    table.put(key(i), value(i));
                    if (i % 4096 == 0) {
                        progress.at(4, i * 500L / settings.entries);
                    }
                }
            }
            long bytes = Files.size(file);
            long start = System.nanoTime();
            try (MemTable recovered = provider.recoverFromWal(3, file)) {
                double s = seconds(start);
                if (recovered.get(key(settings.entries - 1)).isEmpty()) {
                    throw new IllegalStateException(provider.name()
                            + " did not recover the last write");
                }
                progress.at(4, 1000);
                return new double[] {s * 1000, bytes / 1e6 / s};
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Runs {@code op} for indexes 0..count-1 split over {@code threads}; returns ops/second. */
    private static double timedParallel(int count, int threads, IntOp op, LongConsumer perMille) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        int[] progress = new int[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            int from = (int) ((long) count * t / threads);
            int to = (int) ((long) count * (t + 1) / threads);
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    for (int i = from; i < to; i++) {
                        op.apply(i);
                        if ((i & 1023) == 0) {
                            progress[id] = i - from;
                        }
                    }
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
                while (w.isAlive()) {
                    w.join(100);
                    long done = 0;
                    for (int p : progress) {
                        done += p;
                    }
                    perMille.accept(done * 1000 / Math.max(1, count));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        double rate = count / seconds(begin);
        Throwable f = failure.get();
        if (f instanceof UncheckedIOException u) {
            throw u;
        }
        if (f != null) {
            throw new IllegalStateException(f.getMessage(), f);
        }
        perMille.accept(1000);
        return rate;
    }

    private interface IntOp {
        void apply(int i) throws Exception;
    }

    /** Key {@code i}: {@code keySize} bytes of a 64-bit mix of {@code i}, distinct for distinct i. */
    Bytes key(int i) {
        byte[] k = new byte[settings.keySize];
        long x = mix(i);
        // The first 4 bytes are a bijection of i (so keys are distinct), the rest pseudo-random.
        int head = (int) mix32(i);
        for (int b = 0; b < k.length; b++) {
            if (b < 4) {
                k[b] = (byte) (head >>> (24 - 8 * b));
            } else {
                k[b] = (byte) (x >>> ((b % 8) * 8));
                if (b % 8 == 7) {
                    x = mix(x);
                }
            }
        }
        return Bytes.wrap(k);
    }

    Bytes value(int i) {
        byte[] v = new byte[settings.valueSize];
        long x = mix(~i);
        for (int b = 0; b < v.length; b++) {
            v[b] = (byte) ('a' + (int) ((x >>> (b % 8 * 4)) & 15));
        }
        return Bytes.wrap(v);
    }

    /** A bijective 32-bit mixer (murmur3 finaliser). */
    private static long mix32(int i) {
        int h = i;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & 0xffffffffL;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
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
