package dev.memtable.bench;

import java.util.concurrent.ThreadLocalRandom;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Range scans of exactly {@code scanLength} entries on a table filled once per fork with
 * {@code entries} random keys: each scan starts at a random present key {@code k[i]} (in sorted
 * order) and reads {@code [k[i], k[i + scanLength])}, every key and value consumed. Throughput is
 * scans per second summed over the JMH threads; entries per second is that times
 * {@code scanLength}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+UseG1GC"})
public class ScanBenchmark {

    /** Which table: a backend name, {@code cslm} or {@code rocksdb} (see {@link Contenders}). */
    @Param({"skiplist", "treemap", "arena", "cslm", "rocksdb"})
    public String contender;

    /** Value size in bytes; keys are always 16 bytes. */
    @Param({"100"})
    public int valueSize;

    /** How many entries the table holds. */
    @Param({"1000000"})
    public int entries;

    /** How many entries one scan reads. */
    @Param({"100", "10000"})
    public int scanLength;

    private byte[][] sortedKeys;
    private Contender table;

    /** Generates the data and fills the table (in random order), once per fork. */
    @Setup(Level.Trial)
    public void fill() {
        if (scanLength >= entries) {
            throw new IllegalArgumentException("scanLength " + scanLength
                    + " must be below entries " + entries);
        }
        byte[][] keys = Data.randomKeys(entries, Data.PRESENT_SEED, 0);
        byte[][] values = Data.values(valueSize);
        table = Contenders.open(contender, (long) entries * (Data.KEY_LENGTH + valueSize),
                valueSize);
        for (int i = 0; i < keys.length; i++) {
            table.put(keys[i], Data.valueFor(values, i));
        }
        sortedKeys = Data.sorted(keys);
    }

    /** Closes the table. */
    @TearDown(Level.Trial)
    public void close() {
        table.close();
    }

    /** Reads {@code scanLength} consecutive entries from a random start. */
    @Benchmark
    public int scan(Blackhole sink) {
        int from = ThreadLocalRandom.current().nextInt(sortedKeys.length - scanLength);
        int n = table.scan(sortedKeys[from], sortedKeys[from + scanLength], scanLength, sink);
        if (n != scanLength) {
            throw new IllegalStateException(contender + " scanned " + n + " entries, expected "
                    + scanLength);
        }
        return n;
    }
}
