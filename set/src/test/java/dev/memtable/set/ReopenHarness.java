package dev.memtable.set;

import dev.memtable.Bytes;
import dev.memtable.MemTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Measures what reopening a WAL directory of many small logs costs: time, heap kept, and open
 * file descriptors. {@code create} writes a directory of N logs of one entry each (through a set
 * whose tables freeze at every write); {@code open} builds a set on it in a fresh JVM and prints
 * the numbers. Not a test; run it by hand (Linux: open files are counted in /proc/self/fd):
 *
 * <pre>
 * ./mvnw -B -q -o -pl set -am test-compile
 * CP="set/target/test-classes:set/target/classes:api/target/classes:wal/target/classes"
 * java -cp "$CP" dev.memtable.set.ReopenHarness create /tmp/reopen 3000
 * java -cp "$CP" dev.memtable.set.ReopenHarness open /tmp/reopen
 * </pre>
 */
public final class ReopenHarness {

    private ReopenHarness() {
    }

    /** Entry point; see the class description. */
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        if (mode.equals("create")) {
            create(dir, Integer.parseInt(args[2]));
        } else {
            open(dir);
        }
    }

    private static void create(Path dir, int logs) throws IOException {
        try (MemTableSet set = MemTableSet.builder().backend(backend())
                .freezeAtBytes(1).walDirectory(dir).build()) {
            for (int i = 0; i < logs; i++) {
                set.put(Bytes.ofUtf8(String.format("key-%06d", i)), Bytes.ofUtf8("value-" + i));
            }
        }
        System.out.println("wrote " + countLogs(dir) + " logs to " + dir);
    }

    private static void open(Path dir) throws IOException {
        long logs = countLogs(dir);
        long heapBefore = usedHeap();
        long fdsBefore = openFiles();
        long start = System.nanoTime();
        try (MemTableSet set = MemTableSet.builder().backend(backend())
                .freezeAtBytes(64L << 20).walDirectory(dir).build()) {
            double seconds = (System.nanoTime() - start) / 1e9;
            long heap = usedHeap() - heapBefore;
            long fds = openFiles() - fdsBefore;
            System.out.printf(Locale.ROOT, "reopened %d logs (%d tables held) in %.2f s;"
                            + " heap kept %.1f MB (%.1f KB per log); open files +%d (%.2f per log)%n",
                    logs, set.immutables().size() + 1, seconds, heap / 1e6,
                    heap / 1e3 / logs, fds, fds / (double) logs);
        }
    }

    private static long countLogs(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".wal")).count();
        }
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** The set's test backend (a TreeMap per table) over the real write-ahead log. */
    private static dev.memtable.spi.MemTableProvider backend() {
        return TestBackend.concurrent().withWalProvider(MemTables.walProvider());
    }
}
