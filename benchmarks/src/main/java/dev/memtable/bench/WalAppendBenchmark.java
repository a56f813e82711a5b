package dev.memtable.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Unsynced appends, one thread: the write-ahead log ({@code wal}, and {@code skiplist}: a table
 * with a log, so log plus memory; both with {@code SyncPolicy.EXPLICIT}, one system call per
 * record, and {@code wal-buffered}, {@code skiplist-buffered}: the same with
 * {@code SyncPolicy.BUFFERED}, records gathered into large writes) against the same key and value bytes written back to back to a
 * raw {@code FileChannel} through a 64 KiB buffer ({@code raw-file}). Each iteration writes a new
 * file, deleted afterwards; nothing is forced, so this measures the log's CPU cost and the page
 * cache. Throughput is records per second; the report multiplies it by the payload
 * ({@code 16 + valueSize} bytes) to give MB/s.
 *
 * <p>Needs the write-ahead log implementation (module {@code dev.memtable.wal}) for every
 * contender but {@code raw-file}; without it those fail in set-up with the discovery message.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+UseG1GC"})
public class WalAppendBenchmark {

    /**
     * {@code raw-file}, {@code wal}, or a backend name (a table with a log); {@code wal} and
     * backend names may end in {@code -buffered} ({@code SyncPolicy.BUFFERED}).
     */
    @Param({"raw-file", "wal", "wal-buffered", "skiplist", "skiplist-buffered"})
    public String contender;

    /** Value size in bytes; keys are always 16 bytes. */
    @Param({"100", "1024"})
    public int valueSize;

    /** How many distinct keys are cycled through (tables keep at most this many entries). */
    @Param({"1000000"})
    public int entries;

    private byte[][] keys;
    private byte[][] values;
    private Path dir;
    private LogWriter writer;
    private int next;

    /** Generates the data once per fork. */
    @Setup(Level.Trial)
    public void generate() {
        keys = Data.randomKeys(entries, Data.PRESENT_SEED, 0);
        values = Data.values(valueSize);
        dir = Contenders.workDir().resolve("append-" + ProcessHandle.current().pid());
    }

    /** Opens a writer on a new file. */
    @Setup(Level.Iteration)
    public void open() {
        RocksDbContender.deleteRecursively(dir);
        writer = LogWriter.open(contender, dir.resolve("log"), false, valueSize);
    }

    /** Closes the writer and deletes its file. */
    @TearDown(Level.Iteration)
    public void close() {
        try {
            writer.close();
        } finally {
            RocksDbContender.deleteRecursively(dir);
        }
    }

    /** Appends one record. */
    @Benchmark
    public void append() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        writer.append(keys[i], Data.valueFor(values, i));
    }
}
