package dev.memtable.bench;

import dev.memtable.MemTables;
import dev.memtable.spi.MemTableProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names and opens the contenders. A contender is named by a JMH {@code @Param}: one of the
 * baselines ({@value #CSLM}, {@value #ROCKSDB}) or the name of a memtable backend, which is looked
 * up through {@link MemTables#provider(String)} (ServiceLoader) and never by class, so a backend
 * merged later joins the runs by name.
 */
final class Contenders {

    /** The raw {@code ConcurrentSkipListMap<byte[], byte[]>} baseline. */
    static final String CSLM = "cslm";

    /** RocksDB's Java binding, memtable only. */
    static final String ROCKSDB = "rocksdb";

    /** Raw {@code FileChannel} I/O: the baseline of the log benchmarks. */
    static final String RAW_FILE = "raw-file";

    /** The write-ahead log alone, through {@link MemTables#walProvider()}. */
    static final String WAL = "wal";

    /**
     * The backends the default {@code @Param} lists name, in the order they are shown. Keep in
     * step with the {@code @Param} defaults of the benchmarks and with BENCHMARKS.md.
     */
    static final List<String> KNOWN_BACKENDS = List.of("skiplist", "treemap", "arena");

    /** The system property naming the directory for files (logs, RocksDB); default the temp dir. */
    static final String DIR_PROPERTY = "memtable.bench.dir";

    private static final AtomicLong IDS = new AtomicLong();

    private Contenders() {
    }

    /** Returns the directory where benchmarks put their files. */
    static Path workDir() {
        return Path.of(System.getProperty(DIR_PROPERTY, System.getProperty("java.io.tmpdir")),
                "memtable-bench");
    }

    /**
     * Opens an empty, in-memory table of the named contender.
     *
     * @param expectedBytes how many key and value bytes the run will put (sizes RocksDB's
     *     memtable so it never flushes)
     * @param valueSize the largest value the run reads (sizes RocksDB's read buffers)
     * @throws IllegalArgumentException naming the available backends if {@code name} is neither
     *     a baseline nor a backend on the class path
     */
    static Contender open(String name, long expectedBytes, int valueSize) {
        return switch (name) {
            case CSLM -> new CslmContender();
            case ROCKSDB -> RocksDbContender.memtableOnly(workDir(), expectedBytes, valueSize);
            default -> new MemTableContender(name, backend(name).create(IDS.incrementAndGet()));
        };
    }

    /**
     * Returns the backend called {@code name}.
     *
     * @throws IllegalArgumentException if it is not on the class path, saying what is and how to
     *     add it
     */
    static MemTableProvider backend(String name) {
        try {
            return MemTables.provider(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Contender '" + name + "' is not a baseline ("
                    + CSLM + ", " + ROCKSDB + ") and no memtable backend of that name is on the"
                    + " class path. " + e.getMessage() + ". To benchmark it, add its artifact as a"
                    + " runtime dependency of benchmarks/pom.xml and rebuild; or leave it out with"
                    + " -p contender=<names>.", e);
        }
    }

    /** Returns the names of the backends on the class path, sorted. */
    static List<String> availableBackends() {
        return MemTables.providers().stream().map(MemTableProvider::name).toList();
    }

    /** Returns a new id for a table. */
    static long nextId() {
        return IDS.incrementAndGet();
    }
}
