package dev.memtable.bench;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTables;
import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruption;
import dev.memtable.spi.WalVerifier;
import java.io.IOException;
import java.nio.file.Files;
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
 * Recovery of a large log ({@code entries} single-put records of 16-byte keys and
 * {@code valueSize}-byte values; the default 7,000,000 of 100 bytes make a log of about 1 GB),
 * measured as two ratios, each contender alone in its fork ({@link Mode#SingleShotTime}, one pass
 * over everything per iteration):
 * <ul>
 *   <li><b>decoding</b>: {@code wal} (every record read, both checksums verified and its payload
 *       checked against the grammar, entry bounds included, through {@code WalProvider.verify},
 *       the path of {@code memtable wal verify}: no batches built, no table, no truncation, no
 *       fsync) against {@code raw-file} (a plain sequential read of the same log
 *       file through a 64 KiB buffer);</li>
 *   <li><b>replay</b>: a backend name ({@code recoverFromWal}: decoding plus inserting each entry
 *       at its record's sequence, then the log reopened for appends) against
 *       {@code <backend>-insert} (the same entries, already in memory, put at the same sequences
 *       into a new table of the same backend without a log).</li>
 * </ul>
 * The log is written once per fork in set-up (the insert contender only generates the entries),
 * so it is in the page cache for every reader alike. The report turns time into MB/s of payload
 * ({@code entries × (16 + valueSize)} bytes). Run time: the reading contenders take about a
 * second per pass; a replay or insert of 7,000,000 entries into {@code skiplist} about 1 to 2.5
 * minutes on a loaded 2-core machine, hence one warm-up and two measured passes; give the
 * reading contenders more ({@code -wi 2 -i 5}) and a small heap
 * ({@code -jvmArgsAppend "-Xms3g -Xmx3g"}) when they run alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms12g", "-Xmx12g", "-XX:+UseG1GC"})
public class WalRecoveryBenchmark {

    /** The suffix of a contender that inserts the entries into a backend without a log. */
    static final String INSERT_SUFFIX = "-insert";

    /** {@code raw-file}, {@code wal}, a backend name, or a backend name with {@code -insert}. */
    @Param({"raw-file", "wal", "skiplist", "skiplist-insert"})
    public String contender;

    /** Value size in bytes; keys are always 16 bytes. */
    @Param({"100"})
    public int valueSize;

    /** How many records the log holds. */
    @Param({"7000000"})
    public int entries;

    private Path dir;
    private Path file;
    private byte[][] keys;
    private byte[][] values;
    private MemTable table;

    /** Writes the log once per fork (or, for an insert contender, only generates the entries). */
    @Setup(Level.Trial)
    public void write() {
        keys = Data.randomKeys(entries, Data.PRESENT_SEED, 0);
        values = Data.values(valueSize);
        if (contender.endsWith(INSERT_SUFFIX)) {
            return;
        }
        dir = Contenders.workDir().resolve("recovery-" + ProcessHandle.current().pid());
        RocksDbContender.deleteRecursively(dir);
        file = dir.resolve("log");
        // The log alone, buffered: every record at sequence i + 1, as the insert contender puts.
        try (LogWriter writer = LogWriter.open(Contenders.WAL + LogWriter.BUFFERED_SUFFIX, file,
                false, valueSize)) {
            for (int i = 0; i < entries; i++) {
                writer.append(keys[i], Data.valueFor(values, i));
            }
        }
        if (!contender.equals(Contenders.RAW_FILE) && !contender.equals(Contenders.WAL)) {
            keys = null;    // replay needs only the file: leave the heap to the table
            values = null;
        }
    }

    /** Closes the table an iteration built, so the next one starts from an empty heap. */
    @TearDown(Level.Iteration)
    public void dropTable() {
        if (table != null) {
            try {
                table.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            table = null;
        }
    }

    /** Deletes the log. */
    @TearDown(Level.Trial)
    public void delete() {
        if (dir != null) {
            RocksDbContender.deleteRecursively(dir);
        }
    }

    /** Reads, decodes or replays the whole log once, or inserts the same entries. */
    @Benchmark
    public long recover(Blackhole sink) throws IOException {
        long done;
        if (contender.equals(Contenders.RAW_FILE)) {
            long read = RawFile.readAll(file);
            if (read != Files.size(file)) {
                throw new IllegalStateException("read " + read + " bytes of " + Files.size(file));
            }
            return read;
        } else if (contender.equals(Contenders.WAL)) {
            // What `memtable wal verify` runs: every record's framing, both checksums and its
            // payload's grammar checked, nothing decoded into batches.
            long[] count = new long[1];
            MemTables.walProvider().verify(file, RecoveryMode.TOLERATE_TORN_TAIL,
                    new WalVerifier() {
                        @Override
                        public void record(long offset, long length, long sequence,
                                           int entries) {
                            sink.consume(sequence);
                            count[0] += entries;
                        }

                        @Override
                        public void damage(WalCorruption corruption) {
                            throw new IllegalStateException("damage in a fresh log: "
                                    + corruption);
                        }
                    });
            done = count[0];
        } else if (contender.endsWith(INSERT_SUFFIX)) {
            String backend = contender.substring(0, contender.length() - INSERT_SUFFIX.length());
            table = Contenders.backend(backend).create(Contenders.nextId());
            for (int i = 0; i < entries; i++) {
                table.put(Bytes.wrap(keys[i]), Bytes.wrap(Data.valueFor(values, i)), i + 1L);
            }
            done = table.approximateSize() / (Data.KEY_LENGTH + valueSize + MemTable.VERSION_BYTES);
        } else {
            table = Contenders.backend(contender).recoverFromWal(Contenders.nextId(), file);
            // Every entry is one version: key, value and its sequence.
            done = table.approximateSize() / (Data.KEY_LENGTH + valueSize + MemTable.VERSION_BYTES);
        }
        if (done != entries) {
            throw new IllegalStateException(contender + " replayed " + done
                    + " records, expected " + entries);
        }
        return done;
    }
}
