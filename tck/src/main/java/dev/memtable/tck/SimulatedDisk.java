package dev.memtable.tck;

import dev.memtable.MemTable;
import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruption;
import dev.memtable.WalCorruptionException;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import dev.memtable.spi.WalInspector;
import dev.memtable.spi.WalProvider;
import dev.memtable.spi.WalReplay;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A write-ahead log implementation whose files live on a simulated disk in memory, a disk that
 * refuses writes or syncs on demand, loses power, and has records damaged on demand. The kit
 * hands it to a backend through {@link dev.memtable.spi.MemTableProvider#withWalProvider} to
 * check durability and write-ahead order on the backend itself: that a synced write survives a
 * power loss, and that a write the log refused is nowhere in the table.
 *
 * <h2>The disk</h2>
 * A file is a list of records (one per append; a put or delete is a one-entry batch, and every
 * record keeps the one sequence its entries were written at) and a durable position. An append adds its record to the file at once, as a write to the operating
 * system's cache does: a recovery without a power loss in between sees it.
 * {@link Wal#syncTo(long) syncTo(p)} makes the records that end at or before {@code p} durable
 * and nothing more (a stricter disk than most, so a backend that syncs too little is caught).
 * {@link #powerLoss()} drops every record that is not durable, in every file, and kills every
 * open log. Positions count bytes as a plain encoding would: 8 per record and
 * {@link MemTable#VERSION_BYTES} for its sequence, plus 8 per entry, plus the key and value
 * lengths.
 *
 * <h2>Faults</h2>
 * {@link #refuseNextAppend(Path)} and {@link #refuseNextSync(Path)} make the next append or sync
 * (a {@code close}'s final sync included) of a file's open log throw {@link IOException}; as the
 * {@link Wal} contract says, the log is then failed for good: every later append and sync throws
 * too, with the refusal as the cause. {@link #damage(Path, int)} spoils a record's bytes, as a
 * bad sector or a torn write does; recovery then treats it as {@link RecoveryMode} says. A log
 * killed by a power loss throws from every append and sync, and its {@code close} does nothing
 * (its process is gone).
 *
 * <h2>Recovery</h2>
 * {@link #recover} replays the intact records in order, each with its own sequence. A damaged region with intact records
 * after it is corruption: {@link RecoveryMode#TOLERATE_TORN_TAIL} and
 * {@link RecoveryMode#STRICT} throw {@link WalCorruptionException} (nothing after the damage is
 * replayed, the file is left as it was), {@link RecoveryMode#SALVAGE} skips and reports it. A
 * damaged region at the end is a torn tail: dropped and reported in the default mode, refused
 * by {@code STRICT}. A record holding an entry over {@link MemTable#MAX_KEY_LENGTH} or
 * {@link MemTable#MAX_VALUE_LENGTH}, or whose sequence is outside
 * {@code 1 .. MemTable.MAX_SEQUENCE} (the disk keeps whatever a backend appends), counts as
 * damaged, as a real log's reader would reject it.
 *
 * <p>Paths are names only: nothing is read from or written to the real file system. One log may
 * be open per file. Thread-safe: every method synchronises on the disk.
 */
public final class SimulatedDisk implements WalProvider {

    private final Map<Path, SimulatedFile> files = new HashMap<>();

    /** Creates an empty disk. */
    public SimulatedDisk() {
    }

    /** Returns {@code "simulated-disk"}. */
    @Override
    public String name() {
        return "simulated-disk";
    }

    /**
     * Creates an empty file and opens a log on it; the new file is durable at once.
     *
     * @throws FileAlreadyExistsException if the disk holds {@code file}
     * @throws NullPointerException if an argument is null
     */
    @Override
    public synchronized Wal create(Path file, WalOptions options) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        Path key = key(file);
        if (files.containsKey(key)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        SimulatedFile f = new SimulatedFile();
        files.put(key, f);
        f.open = new SimulatedLog(this, file, f);
        return f.open;
    }

    /**
     * Replays the intact records of {@code file} as {@code options.recoveryMode()} says, drops
     * what follows the last record kept, and opens a log that appends after it.
     *
     * @throws NoSuchFileException if the disk does not hold {@code file}
     * @throws FileSystemException if a log is open on {@code file}
     * @throws WalCorruptionException if the mode does not tolerate the damage found
     * @throws NullPointerException if an argument is null
     */
    @Override
    public synchronized Wal recover(Path file, WalOptions options, WalReplay replay)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(replay, "replay");
        SimulatedFile f = existing(file);
        if (f.open != null) {
            throw new FileSystemException(file.toString(), null, "write-ahead log is already open");
        }
        long end = read(file, f, options.recoveryMode(), r -> replay.replay(r.sequence(), r.batch()),
                options.corruptionListener());
        f.truncate(end);
        f.durable = end;
        f.open = new SimulatedLog(this, file, f);
        return f.open;
    }

    /**
     * Reports what {@link #recover} would keep and skip, changing nothing.
     *
     * @throws NoSuchFileException if the disk does not hold {@code file}
     * @throws WalCorruptionException at the first damage {@code mode} does not tolerate
     * @throws NullPointerException if an argument is null
     */
    @Override
    public synchronized long inspect(Path file, RecoveryMode mode, WalInspector inspector)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(inspector, "inspector");
        return read(file, existing(file), mode,
                r -> inspector.record(r.offset(), r.length(), r.sequence(), r.batch()), inspector::damage);
    }

    // ---------------------------------------------------------------- faults

    /**
     * Makes the next append to the open log of {@code file} fail (and with it the log).
     *
     * @throws IllegalArgumentException if the disk does not hold {@code file}
     */
    public synchronized void refuseNextAppend(Path file) {
        held(file).refuseAppend = true;
    }

    /**
     * Makes the next sync of the open log of {@code file} fail (and with it the log); a
     * {@code close} syncs too.
     *
     * @throws IllegalArgumentException if the disk does not hold {@code file}
     */
    public synchronized void refuseNextSync(Path file) {
        held(file).refuseSync = true;
    }

    /**
     * The machine loses power: every file keeps only its durable records, every open log dies
     * (its appends and syncs throw, its {@code close} does nothing), and refusals not yet used
     * are forgotten.
     */
    public synchronized void powerLoss() {
        for (SimulatedFile f : files.values()) {
            f.truncate(f.durable);
            f.durable = f.end();
            if (f.open != null) {
                f.open.crash();
                f.open = null;
            }
            f.refuseAppend = false;
            f.refuseSync = false;
        }
    }

    /**
     * Spoils the bytes of record {@code index} (0 is the first) of {@code file}.
     *
     * @throws IllegalArgumentException if the disk does not hold {@code file} or the record
     */
    public synchronized void damage(Path file, int index) {
        SimulatedFile f = held(file);
        if (index < 0 || index >= f.records.size()) {
            throw new IllegalArgumentException(file + " holds " + f.records.size()
                    + " records; there is no record " + index);
        }
        f.records.set(index, f.records.get(index).damaged());
    }

    // ---------------------------------------------------------------- looking at the disk

    /** Returns true if the disk holds {@code file}. */
    public synchronized boolean exists(Path file) {
        return files.containsKey(key(file));
    }

    /**
     * Returns the entries of every record of {@code file}, durable or not, damaged or not, in
     * file order (a put or delete is one entry).
     *
     * @throws IllegalArgumentException if the disk does not hold {@code file}
     */
    public synchronized List<List<WriteBatch.Entry>> records(Path file) {
        List<List<WriteBatch.Entry>> out = new ArrayList<>();
        for (SimulatedRecord r : held(file).records) {
            out.add(r.entries());
        }
        return out;
    }

    /**
     * Returns the sequence of every record of {@code file}, durable or not, damaged or not, in
     * file order: the same order as {@link #records(Path)}.
     *
     * @throws IllegalArgumentException if the disk does not hold {@code file}
     */
    public synchronized List<Long> sequences(Path file) {
        List<Long> out = new ArrayList<>();
        for (SimulatedRecord r : held(file).records) {
            out.add(r.sequence());
        }
        return out;
    }

    @Override
    public synchronized String toString() {
        return "SimulatedDisk" + files.keySet();
    }

    // ---------------------------------------------------------------- reading

    /** Where recovery and inspection send each intact record. */
    private interface RecordSink {
        void accept(SimulatedRecord record);
    }

    /**
     * Reads {@code f} as {@code mode} says: intact records go to {@code sink}, tolerated damage
     * to {@code listener}. Returns the end of the last record kept.
     */
    private static long read(Path file, SimulatedFile f, RecoveryMode mode, RecordSink sink,
                             Consumer<WalCorruption> listener) throws WalCorruptionException {
        List<SimulatedRecord> records = List.copyOf(f.records);
        long end = 0;
        int i = 0;
        while (i < records.size()) {
            SimulatedRecord r = records.get(i);
            if (r.problem() == null) {
                sink.accept(r);
                end = r.end();
                i++;
                continue;
            }
            int j = i;
            while (j < records.size() && records.get(j).problem() != null) {
                j++;
            }
            boolean tail = j == records.size();
            long length = records.get(j - 1).end() - r.offset();
            if (mode == RecoveryMode.STRICT || (mode == RecoveryMode.TOLERATE_TORN_TAIL && !tail)) {
                String reason = r.problem() + (tail ? " (torn tail)"
                        : "; intact records follow, so this is corruption, not a torn tail");
                throw new WalCorruptionException(
                        new WalCorruption(file, r.offset(), length, reason));
            }
            listener.accept(new WalCorruption(file, r.offset(), length, r.problem()));
            if (tail) {
                break;
            }
            i = j;
        }
        return end;
    }

    // ---------------------------------------------------------------- plumbing

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }

    private SimulatedFile existing(Path file) throws NoSuchFileException {
        SimulatedFile f = files.get(key(file));
        if (f == null) {
            throw new NoSuchFileException(file.toString());
        }
        return f;
    }

    private SimulatedFile held(Path file) {
        Objects.requireNonNull(file, "file");
        SimulatedFile f = files.get(key(file));
        if (f == null) {
            throw new IllegalArgumentException("the simulated disk holds no file " + file
                    + "; it holds " + files.keySet());
        }
        return f;
    }

    /**
     * One record on the disk: the sequence of its entries, its entries, where it lies, and
     * whether it was damaged.
     */
    record SimulatedRecord(long sequence, List<WriteBatch.Entry> entries, long offset,
                           long length, boolean isDamaged) {

        long end() {
            return offset + length;
        }

        SimulatedRecord damaged() {
            return new SimulatedRecord(sequence, entries, offset, length, true);
        }

        /** Why a reader would reject this record, or null if it is intact. */
        String problem() {
            if (isDamaged) {
                return "checksum mismatch";
            }
            if (sequence < 1 || sequence > MemTable.MAX_SEQUENCE) {
                return "sequence " + sequence + " out of range";
            }
            for (WriteBatch.Entry e : entries) {
                if (e.key().length() > MemTable.MAX_KEY_LENGTH
                        || e.value().length() > MemTable.MAX_VALUE_LENGTH) {
                    return "entry over the size limits";
                }
            }
            return null;
        }

        WriteBatch batch() {
            WriteBatch batch = new WriteBatch();
            entries.forEach(e -> batch.put(e.key(), e.value()));
            return batch;
        }
    }

    /** A file: its records, its durable position, its open log and the faults waiting for it. */
    static final class SimulatedFile {
        final List<SimulatedRecord> records = new ArrayList<>();
        long durable;
        SimulatedLog open;
        boolean refuseAppend;
        boolean refuseSync;

        long end() {
            return records.isEmpty() ? 0 : records.get(records.size() - 1).end();
        }

        /** Drops every record that does not end at or before {@code position}. */
        void truncate(long position) {
            records.removeIf(r -> r.end() > position);
        }
    }
}
