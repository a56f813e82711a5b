package dev.memtable.bench;

import dev.memtable.Bytes;
import dev.memtable.MemTables;
import dev.memtable.set.MemTableSet;
import dev.memtable.set.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * Point reads of a {@link MemTableSet} of one mutable and four frozen tables (the entries spread
 * evenly over the five, in random key order): a plain {@code get} of the set against a
 * {@link Snapshot#get} at the set's last sequence, in the same fork, on the same keys. A
 * snapshot read must cost at most 1.2 times a plain read. Keys are picked uniformly at random
 * among the present ones, so four reads in five go past the mutable table to a frozen one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+UseG1GC"})
public class SnapshotReadBenchmark {

    /** The backend under the set. */
    @Param({"skiplist", "treemap", "arena"})
    public String backend;

    /** Value size in bytes; keys are always 16 bytes. */
    @Param({"100"})
    public int valueSize;

    /** Entries across the five tables. */
    @Param({"1000000"})
    public int entries;

    /** Tables in the set: this many minus one frozen, and the mutable one. */
    static final int TABLES = 5;

    private Bytes[] keys;
    private MemTableSet set;
    private Snapshot snapshot;

    /** Fills five tables, freezing after each of the first four; takes the snapshot. */
    @Setup(Level.Trial)
    public void fill() throws IOException {
        byte[][] raw = Data.randomKeys(entries, Data.PRESENT_SEED, 0);
        byte[][] values = Data.values(valueSize);
        keys = new Bytes[raw.length];
        set = MemTableSet.builder().backend(MemTables.provider(backend))
                .freezeAtBytes(Long.MAX_VALUE / 2).build();
        int perTable = entries / TABLES;
        for (int i = 0; i < raw.length; i++) {
            keys[i] = Bytes.wrap(raw[i]);
            set.put(keys[i], Bytes.wrap(Data.valueFor(values, i)));
            if ((i + 1) % perTable == 0 && set.immutables().size() < TABLES - 1) {
                set.freeze();
            }
        }
        if (set.immutables().size() != TABLES - 1) {
            throw new IllegalStateException("expected " + (TABLES - 1) + " frozen tables, got "
                    + set.immutables().size());
        }
        snapshot = set.snapshot();
        if (snapshot.get(keys[0]).isEmpty() || set.get(keys[entries - 1]).isEmpty()) {
            throw new IllegalStateException(backend + " lost a key");
        }
    }

    /** Closes the snapshot and the set. */
    @TearDown(Level.Trial)
    public void close() {
        snapshot.close();
        try {
            set.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plain read of the set (at its last sequence). */
    @Benchmark
    public Object plainGet() {
        return set.get(keys[ThreadLocalRandom.current().nextInt(keys.length)]);
    }

    /** A read through the snapshot. */
    @Benchmark
    public Object snapshotGet() {
        return snapshot.get(keys[ThreadLocalRandom.current().nextInt(keys.length)]);
    }
}
