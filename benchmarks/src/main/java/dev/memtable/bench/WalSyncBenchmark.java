package dev.memtable.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Durable writes: every JMH thread ({@code -t 1, 4, 16, 64}) writes a record and waits until it
 * is on stable storage before the next. Contenders: {@code wal} (the log alone: append, then
 * {@code syncTo} its own end), a backend name (a table created with
 * {@code SyncPolicy.EVERY_WRITE}), {@code rocksdb} (WAL on, {@code WriteOptions.setSync(true)}),
 * and {@code raw-file} (write, then {@code FileChannel.force(false)}, one writer at a time: the
 * raw single-thread fsync rate; run it with {@code -t 1}). Throughput is durable writes per
 * second summed over threads; group commit shows as a rate that grows with the thread count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC"})
public class WalSyncBenchmark {

    /** {@code raw-file}, {@code wal}, {@code rocksdb}, or a backend name. */
    @Param({"raw-file", "wal", "skiplist", "rocksdb"})
    public String contender;

    /** Value size in bytes; keys are always 16 bytes. */
    @Param({"100"})
    public int valueSize;

    private static final int KEYS = 1 << 16;

    private byte[][] keys;
    private byte[][] values;
    private Path dir;
    private LogWriter writer;
    private final AtomicInteger next = new AtomicInteger();

    /** Opens the writer on a new file, once per fork. */
    @Setup(Level.Trial)
    public void open() {
        keys = Data.randomKeys(KEYS, Data.PRESENT_SEED, 0);
        values = Data.values(valueSize);
        dir = Contenders.workDir().resolve("sync-" + ProcessHandle.current().pid());
        RocksDbContender.deleteRecursively(dir);
        writer = LogWriter.open(contender, dir.resolve("log"), true, valueSize);
    }

    /** Closes the writer and deletes its files. */
    @TearDown(Level.Trial)
    public void close() {
        try {
            writer.close();
        } finally {
            RocksDbContender.deleteRecursively(dir);
        }
    }

    /** Writes one record and waits until it is durable. */
    @Benchmark
    public void syncedWrite() {
        int i = next.getAndIncrement() & (KEYS - 1);
        writer.append(keys[i], Data.valueFor(values, i));
    }
}
