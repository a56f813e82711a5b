package dev.memtable.wal;

import dev.memtable.Bytes;
import dev.memtable.SyncPolicy;
import dev.memtable.WalOptions;
import dev.memtable.spi.Wal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures synced-write throughput: N writer threads that each append a record and wait with
 * {@code syncTo} until it is durable, on a log created with {@code SyncPolicy.EVERY_WRITE} (as a
 * table with that policy does), for N = 1, 4, 16, 64, next to the raw rate of one thread
 * doing {@code FileChannel.write} + {@code force(false)} on a plain file in the same run. Prints a
 * Markdown table. Not a test; run it by hand (see {@code wal/README.md}):
 *
 * <pre>
 * ./mvnw -B -q -pl wal -am test-compile
 * java -cp wal/target/test-classes:wal/target/classes:api/target/classes \
 *     dev.memtable.wal.SyncRateHarness [seconds per point, default 3] [directory]
 * </pre>
 *
 * The directory (default: a new temporary directory) decides which disk is measured.
 */
public final class SyncRateHarness {

    private static final int[] WRITERS = {1, 4, 16, 64};
    private static final Bytes VALUE = Bytes.wrap(new byte[100]);

    private SyncRateHarness() {
    }

    /** Entry point; see the class description. */
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Path dir = args.length > 1 ? Files.createDirectories(Path.of(args[1]))
                : Files.createTempDirectory("sync-rate");
        long nanos = (long) (seconds * 1e9);
        System.out.printf(Locale.ROOT, "synced writes of 16-byte keys and 100-byte values"
                + " (%d-byte records), %.1f s per point, in %s%n",
                RecordCodec.encode(key(0, 0), VALUE, 1, 0).length, seconds, dir);
        System.out.printf(Locale.ROOT, "%d processors, load average before: %s%n%n",
                Runtime.getRuntime().availableProcessors(), loadAverage());

        measureLog(dir, 1, nanos / 3);                      // warm-up, not reported
        System.out.println("| writers | synced writes/s | fsyncs/s | writes per fsync"
                + " | vs. 1 writer |");
        System.out.println("|--:|--:|--:|--:|--:|");
        printRaw(measureRaw(dir, nanos), "before");
        double single = 0;
        for (int writers : WRITERS) {
            double[] r = measureLog(dir, writers, nanos);
            if (writers == 1) {
                single = r[0];
            }
            System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %.1f | %.1fx |%n",
                    writers, r[0], r[1], r[0] / r[1], r[0] / single);
        }
        printRaw(measureRaw(dir, nanos), "after");
        System.out.printf(Locale.ROOT, "%nload average after: %s%n", loadAverage());
    }

    private static void printRaw(double rate, String when) {
        System.out.printf(Locale.ROOT, "| raw write + force(false), 1 thread (%s) | %,.0f | %,.0f"
                + " | 1.0 | |%n", when, rate, rate);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** One thread: write a record-sized buffer at the end of a plain file, fdatasync, repeat. */
    private static double measureRaw(Path dir, long nanos) throws IOException {
        Path file = Files.createTempFile(dir, "raw", ".dat");
        byte[] record = RecordCodec.encode(key(0, 0), VALUE, 1, 0);
        long count = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long pos = 0;
            long start = System.nanoTime();
            long end = start + nanos;
            long now;
            do {
                ByteBuffer b = ByteBuffer.wrap(record);
                while (b.hasRemaining()) {
                    pos += ch.write(b, pos);
                }
                ch.force(false);
                count++;
                now = System.nanoTime();
            } while (now < end);
            return count / ((now - start) / 1e9);
        } finally {
            Files.delete(file);
        }
    }

    /** Returns {synced writes per second, fsyncs per second}. */
    private static double[] measureLog(Path dir, int writers, long nanos) throws Exception {
        FaultyFs fs = new FaultyFs();
        Path file = dir.resolve("sync-rate-" + writers + "-" + System.nanoTime() + ".wal");
        LongAdder writes = new LongAdder();
        AtomicLong sequences = new AtomicLong();   // as a table hands them out
        try (Wal wal = fs.provider().create(file,
                WalOptions.defaults().withSyncPolicy(SyncPolicy.EVERY_WRITE))) {
            int forcesBefore = fs.fileForces.get();
            CountDownLatch go = new CountDownLatch(1);
            long[] window = new long[2];
            List<Thread> threads = new ArrayList<>();
            List<Throwable> errors = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                int thread = t;
                Thread w = new Thread(() -> {
                    try {
                        go.await();
                        long end = window[1];
                        for (long i = 0; System.nanoTime() < end; i++) {
                            wal.syncTo(wal.append(key(thread, i), VALUE, sequences.incrementAndGet()));
                            writes.increment();
                        }
                    } catch (Throwable e) {
                        synchronized (errors) {
                            errors.add(e);
                        }
                    }
                });
                w.start();
                threads.add(w);
            }
            window[0] = System.nanoTime();
            window[1] = window[0] + nanos;
            go.countDown();
            for (Thread w : threads) {
                w.join();
            }
            double elapsed = (System.nanoTime() - window[0]) / 1e9;
            if (!errors.isEmpty()) {
                throw new IllegalStateException("writer failed", errors.get(0));
            }
            int forces = fs.fileForces.get() - forcesBefore;
            return new double[] {writes.sum() / elapsed, forces / elapsed};
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Bytes key(int thread, long i) {
        return Bytes.ofUtf8(String.format(Locale.ROOT, "w%02d-%012d", thread, i));
    }
}
