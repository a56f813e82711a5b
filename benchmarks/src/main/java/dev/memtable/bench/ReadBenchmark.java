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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Point reads on a table filled once per fork with {@code entries} random keys: all hits, all
 * misses, and a mixed load of 90 % gets and 10 % puts (overwrites of present keys, so the table
 * keeps its size). Each operation picks its key uniformly at random; throughput is operations per
 * second summed over the JMH threads ({@code -t}).
 *
 * <p>Absent keys differ from present ones in their last bit (see {@link Data#randomKeys}), so a
 * miss walks as deep as a hit would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+UseG1GC"})
public class ReadBenchmark {

    /** Which table: a backend name, {@code cslm} or {@code rocksdb} (see {@link Contenders}). */
    @Param({"skiplist", "treemap", "arena", "cslm", "rocksdb"})
    public String contender;

    /** Value size in bytes; keys are always 16 bytes. */
    @Param({"100", "1024"})
    public int valueSize;

    /** How many entries the table holds. */
    @Param({"1000000"})
    public int entries;

    private byte[][] keys;
    private byte[][] absentKeys;
    private byte[][] values;
    private Contender table;

    /** Generates the data and fills the table, once per fork. */
    @Setup(Level.Trial)
    public void fill(BenchmarkParams params) {
        keys = Data.randomKeys(entries, Data.PRESENT_SEED, 0);
        // The absent keys only for the benchmark that probes them (one is enough for the check).
        absentKeys = Data.randomKeys(params.getBenchmark().endsWith(".getMiss") ? entries : 1,
                Data.ABSENT_SEED, 1);
        values = Data.values(valueSize);
        table = Contenders.open(contender, (long) entries * (Data.KEY_LENGTH + valueSize),
                valueSize);
        for (int i = 0; i < keys.length; i++) {
            table.put(keys[i], Data.valueFor(values, i));
        }
        table.checkContains(keys[0], keys[entries - 1]);
        if (table.get(absentKeys[0]) != null) {
            throw new IllegalStateException(contender + " found a key that was never put");
        }
    }

    /** Closes the table. */
    @TearDown(Level.Trial)
    public void close() {
        table.close();
    }

    /** Gets a present key. */
    @Benchmark
    public Object getHit() {
        return table.get(keys[ThreadLocalRandom.current().nextInt(keys.length)]);
    }

    /** Gets an absent key. */
    @Benchmark
    public Object getMiss() {
        return table.get(absentKeys[ThreadLocalRandom.current().nextInt(absentKeys.length)]);
    }

    /** Gets a present key nine times in ten; otherwise overwrites one with another value. */
    @Benchmark
    public Object mixed() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(keys.length);
        if (random.nextInt(10) == 0) {
            table.put(keys[i], Data.valueFor(values, random.nextInt()));
            return null;
        }
        return table.get(keys[i]);
    }
}
