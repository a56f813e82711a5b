package dev.memtable.bench;

import dev.memtable.MemTable;
import dev.memtable.MemTables;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import java.io.IOException;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Recovery: a log of {@code entries} records (16-byte keys, {@code valueSize}-byte values) is
 * written once per fork, then each iteration replays it whole ({@link Mode#SingleShotTime}).
 * Contenders: {@code wal} (the log alone, every batch handed to a consumer), a backend name
 * ({@code recoverFromWal}: log plus rebuilding the table), and {@code raw-file} (a plain file of
 * the same payload read sequentially through a 64 KiB buffer). The file is in the page cache
 * (it was just written), for every contender alike. The report turns time into MB/s of payload
 * ({@code entries × (16 + valueSize)} bytes) replayed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+UseG1GC"})
public class WalRecoveryBenchmark {

    /** {@code raw-file}, {@code wal}, or a backend name. */
    @Param({"raw-file", "wal", "skiplist"})
    public String contender;

    /** Value size in bytes; keys are always 16 bytes. */
    @Param({"100"})
    public int valueSize;

    /** How many records the log holds. */
    @Param({"1000000"})
    public int entries;

    private Path dir;
    private Path file;

    /** Writes the log (or raw file) once per fork. */
    @Setup(Level.Trial)
    public void write() {
        byte[][] keys = Data.randomKeys(entries, Data.PRESENT_SEED, 0);
        byte[][] values = Data.values(valueSize);
        dir = Contenders.workDir().resolve("recovery-" + ProcessHandle.current().pid());
        RocksDbContender.deleteRecursively(dir);
        file = dir.resolve("log");
        // The backends' logs are written by the log alone: the same file every contender reads.
        String writerName = contender.equals(Contenders.RAW_FILE) ? contender : Contenders.WAL;
        try (LogWriter writer = LogWriter.open(writerName, file, false, valueSize)) {
            for (int i = 0; i < entries; i++) {
                writer.append(keys[i], Data.valueFor(values, i));
            }
        }
    }

    /** Deletes the file. */
    @TearDown(Level.Trial)
    public void delete() {
        RocksDbContender.deleteRecursively(dir);
    }

    /** Replays the whole log once. */
    @Benchmark
    public long recover(Blackhole sink) throws IOException {
        long replayed;
        switch (contender) {
            case Contenders.RAW_FILE -> {
                replayed = RawFile.readAll(file);
                long expected = (long) entries * (Data.KEY_LENGTH + valueSize);
                if (replayed != expected) {
                    throw new IllegalStateException("read " + replayed + " bytes, expected "
                            + expected);
                }
                return replayed;
            }
            case Contenders.WAL -> {
                long[] count = new long[1];
                Wal wal = MemTables.walProvider().recover(file, WalOptions.defaults(),
                        (long sequence, WriteBatch batch) -> {
                            sink.consume(sequence);
                            sink.consume(batch);
                            count[0] += batch.entries().size();
                        });
                wal.close();
                replayed = count[0];
            }
            default -> {
                try (MemTable table = Contenders.backend(contender)
                        .recoverFromWal(Contenders.nextId(), file)) {
                    // Every entry is one version: key, value and its sequence.
                    replayed = table.approximateSize()
                            / (Data.KEY_LENGTH + valueSize + MemTable.VERSION_BYTES);
                }
            }
        }
        if (replayed != entries) {
            throw new IllegalStateException(contender + " replayed " + replayed
                    + " records, expected " + entries);
        }
        return replayed;
    }
}
