package dev.memtable.set;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures how far tables overshoot {@code freezeAtBytes} while writers keep writing during
 * freezes: four writer threads put 16-byte keys and 100-byte values into a set with a real
 * write-ahead log directory and a 4 KiB freeze size for a few seconds, then the sizes of the
 * frozen tables are printed (largest, median, and the excess over the freeze size). Not a test;
 * run it by hand:
 *
 * <pre>
 * ./mvnw -B -q -o -pl set -am test-compile
 * java -cp "set/target/test-classes:set/target/classes:api/target/classes:wal/target/classes" \
 *     dev.memtable.set.OvershootHarness [seconds, default 3] [directory]
 * </pre>
 */
public final class OvershootHarness {

    private static final int WRITERS = 4;
    private static final long FREEZE_AT = 4096;

    private OvershootHarness() {
    }

    /** Entry point; see the class description. */
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Path dir = args.length > 1 ? Files.createDirectories(Path.of(args[1]))
                : Files.createTempDirectory("overshoot");
        Bytes value = Bytes.wrap(new byte[100]);
        List<Long> sizes = new ArrayList<>();
        try (MemTableSet set = MemTableSet.builder().backend(backend())
                .freezeAtBytes(FREEZE_AT).walDirectory(dir.resolve("wal")).build()) {
            AtomicBoolean running = new AtomicBoolean(true);
            CountDownLatch done = new CountDownLatch(WRITERS);
            for (int w = 0; w < WRITERS; w++) {
                int id = w;
                Thread t = new Thread(() -> {
                    try {
                        for (long i = 0; running.get(); i++) {
                            set.put(Bytes.ofUtf8(String.format("w%d-%012d", id, i)), value);
                        }
                    } finally {
                        done.countDown();
                    }
                });
                t.setDaemon(true);
                t.start();
            }
            Thread.sleep((long) (seconds * 1000));
            running.set(false);
            done.await();
            for (MemTable t : set.immutables()) {
                sizes.add(t.approximateSize());
            }
            // Release everything, so close does not have to sync thousands of logs.
            for (var oldest = set.oldestImmutable(); oldest.isPresent();
                    oldest = set.oldestImmutable()) {
                set.flushed(oldest.get());
            }
        }
        Collections.sort(sizes);
        long max = sizes.get(sizes.size() - 1);
        long median = sizes.get(sizes.size() / 2);
        long writeSize = 16 + 100;
        System.out.printf(Locale.ROOT, "%d writers, freezeAtBytes %d, %d-byte writes, %.1f s: %d"
                        + " frozen tables%n", WRITERS, FREEZE_AT, writeSize, seconds, sizes.size());
        System.out.printf(Locale.ROOT, "frozen table size: median %d B, largest %d B; largest"
                        + " excess over freezeAtBytes %d B = %.1f writes (bound: %d writers in"
                        + " flight)%n", median, max, max - FREEZE_AT,
                (max - FREEZE_AT) / (double) writeSize, WRITERS);
    }

    /** The set's test backend (a TreeMap per table) over the real write-ahead log. */
    private static dev.memtable.spi.MemTableProvider backend() {
        return TestBackend.concurrent().withWalProvider(MemTables.walProvider());
    }
}
