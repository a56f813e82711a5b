package dev.memtable.bench;

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
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Fills a fresh, empty table with {@code entries} distinct keys: one invocation per iteration
 * ({@link Mode#SingleShotTime}), so every put lands in a table that holds between 0 and
 * {@code entries} entries, as in a real memtable's life. With several JMH threads ({@code -t}),
 * thread {@code i} of {@code n} puts keys {@code i, i + n, i + 2n, …} into the one shared table,
 * so the threads together still put {@code entries} keys.
 *
 * <p>JMH reports the time of one fill per thread (averaged over threads); the report converts it
 * to puts per second of the whole table: {@code entries / time}. The table is created before and
 * closed after each iteration, outside the measured time; the garbage of earlier tables is
 * collected whenever the collector chooses, as in production.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+UseG1GC"})
public class PutBenchmark {

    /** Which table: a backend name, {@code cslm} or {@code rocksdb} (see {@link Contenders}). */
    @Param({"skiplist", "treemap", "arena", "cslm", "rocksdb"})
    public String contender;

    /** Value size in bytes; keys are always 16 bytes. */
    @Param({"100", "1024"})
    public int valueSize;

    /** How many distinct keys one fill puts. */
    @Param({"1000000"})
    public int entries;

    private byte[][] randomKeys;
    private byte[][] sequentialKeys;
    private byte[][] values;
    private Contender table;
    /** The keys the last fill used (written once per invocation, read at tear-down). */
    private volatile byte[][] filled;

    /** Generates the keys the benchmark method needs and the values, once per fork. */
    @Setup(Level.Trial)
    public void generate(BenchmarkParams params) {
        if (params.getBenchmark().endsWith(".sequentialPut")) {
            sequentialKeys = Data.sequentialKeys(entries);
        } else {
            randomKeys = Data.randomKeys(entries, Data.PRESENT_SEED, 0);
        }
        values = Data.values(valueSize);
        // Fail before the first iteration, with the contender's own message, if it is missing.
        Contenders.open(contender, 0, valueSize).close();
    }

    /** Opens an empty table for the iteration. */
    @Setup(Level.Iteration)
    public void openTable() {
        table = Contenders.open(contender, (long) entries * (Data.KEY_LENGTH + valueSize),
                valueSize);
    }

    /** Checks that the fill arrived and closes the table. */
    @TearDown(Level.Iteration)
    public void closeTable() {
        try {
            byte[][] keys = filled;
            if (keys != null) {
                table.checkContains(keys[0], keys[entries / 2], keys[entries - 1]);
            }
        } finally {
            table.close();
            table = null;
        }
    }

    /** Puts {@code entries} random keys into the empty table. */
    @Benchmark
    public void randomPut(ThreadParams thread) {
        fill(randomKeys, thread);
    }

    /** Puts {@code entries} ascending keys into the empty table. */
    @Benchmark
    public void sequentialPut(ThreadParams thread) {
        fill(sequentialKeys, thread);
    }

    private void fill(byte[][] keys, ThreadParams thread) {
        Contender t = table;
        byte[][] pool = values;
        filled = keys;
        int step = thread.getThreadCount();
        for (int i = thread.getThreadIndex(); i < keys.length; i += step) {
            t.put(keys[i], Data.valueFor(pool, i));
        }
    }
}
