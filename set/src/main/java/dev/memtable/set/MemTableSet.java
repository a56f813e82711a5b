package dev.memtable.set;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.MemTables;
import dev.memtable.WalCorruptionException;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import dev.memtable.spi.WalProvider;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The memtable layer of an LSM tree: one mutable table that takes every write, the frozen
 * (immutable) tables waiting to be flushed, reads across all of them newest first, and, with a
 * WAL directory, recovery of all of them after a restart. Works over any {@link MemTableProvider}.
 * README's "The memtable layer" shows it in use.
 *
 * <h2>What it promises, and which part keeps it</h2>
 * This class checks arguments and delegates to parts that can each be read and tested alone;
 * their Javadoc holds the details.
 * <ul>
 *   <li>{@link TableRotation}: writes go into the mutable table; the write that takes it to
 *       {@link Builder#freezeAtBytes(long) freezeAtBytes} freezes it (a new table with the next
 *       id becomes mutable); with {@link Builder#maxImmutables(int) maxImmutables} immutable
 *       tables held, a write that needs a freeze stalls until {@link #flushed} releases one, at
 *       most for {@link Builder#stallTimeout(Duration) stallTimeout}, then fails unapplied with
 *       {@link WriteStallException}. Writers share no lock, and a table handed to a flush is
 *       final. So memory stays near {@code (maxImmutables + 1) * freezeAtBytes}, plus the writes
 *       in flight when a table fills.</li>
 *   <li>{@link Tables}: reads ask the tables newest first, the first that knows the key decides
 *       ({@link MemTable#get}'s three answers); scans merge them. A read never misses a table
 *       being frozen, and keeps the tables it reads open until it is done, even if released.</li>
 *   <li>{@link TableSource}: every new table gets a rising id and, with a
 *       {@link Builder#walDirectory(Path) WAL directory}, its own log file; {@link #flushed}
 *       deletes a released table's log durably, so a crash before it only replays the table.</li>
 *   <li>{@link DirectoryRecovery} and {@link WalDirectory}: {@link Builder#build()} locks the
 *       directory and recovers every log in it; ids rise across restarts.</li>
 *   <li>{@link Builder}: the settings, checked one by one and together.</li>
 * </ul>
 *
 * <h2>Sequence numbers, publication and snapshots</h2>
 * One set-wide counter ({@link Sequencer}) stamps every {@code put}, {@code delete} and
 * {@code write} (a batch gets one sequence for all its entries); the tables keep every version
 * ({@link MemTable}). A write is <em>published</em> once it and every write with a lower sequence
 * are applied; {@link #lastSequence()} is the newest published sequence, and every read of the set
 * reads at it. So a reader never sees write {@code s + 1} without write {@code s}, nor part of a
 * batch, and a write is visible to every read that starts after it returns (a write returns only
 * once it is published, which waits at most for the writes in flight below it). The
 * memory-ordering argument: a writer applies its version, then marks its sequence finished with a
 * volatile store; the thread that publishes it reads that store before the compare-and-set that
 * raises the published sequence; a reader reads the published sequence (volatile) before it reads
 * any table. Those edges make every version at or below the sequence a reader read happen-before
 * its reads ({@link Sequencer} has the details).
 * <ul>
 *   <li>A sequence is taken inside the mutable table's writer gate, and given up (and the write
 *       redone in the next table) if the table was frozen in between
 *       ({@link TableSlot#accepts}): every sequence in an older table is below every sequence in
 *       a newer one, so reads still stop at the newest table that knows a key.</li>
 *   <li>{@link #snapshot()} returns a {@link Snapshot} at {@link #lastSequence()} that pins the
 *       set's tables until it is closed: it reads exactly what the set held at its sequence,
 *       across later writes, freezes and {@link #flushed} releases.</li>
 *   <li>{@link #watermark()} is the lowest sequence of an open snapshot ({@link Watermark}), and
 *       {@link #versionsToFlush} gives a flush exactly the versions to keep: the newest of each
 *       key plus every older one an open snapshot still sees.</li>
 *   <li>{@link Builder#build()} on a WAL directory restores the counter to the highest sequence
 *       recovered, so sequences keep rising across restarts.</li>
 * </ul>
 *
 * <p>Every method may be called by any number of threads at once. A write that throws was not
 * applied, except that a write whose table then cannot be frozen (the next log cannot be
 * created) stays applied, and the next write retries the freeze and reports the error. A batch is
 * one log record in one table, and becomes visible to readers all at once. After
 * {@link #close()} every call throws {@link IllegalStateException}.
 */
public final class MemTableSet implements Closeable {

    /** The default {@link Builder#freezeAtBytes(long)}: 64 MiB, RocksDB's write buffer size. */
    public static final long DEFAULT_FREEZE_AT_BYTES = 64L * 1024 * 1024;

    /** The default {@link Builder#stallTimeout(Duration)}: one minute. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(1);

    private final String backendName;
    private final TableRotation rotation;
    private final Watermark watermark = new Watermark();
    /** Null for a set in memory only. */
    private final Path walDirectory;

    private MemTableSet(String backendName, TableRotation rotation, Path walDirectory) {
        this.backendName = backendName;
        this.rotation = rotation;
        this.walDirectory = walDirectory;
    }

    /** Returns a builder with the defaults documented on its methods. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ writes

    /**
     * Maps {@code key} to {@code value} in the mutable table (an empty value is a delete), then
     * freezes the table if it reached the freeze size.
     *
     * @throws NullPointerException naming {@code key} or {@code value} if it is null
     * @throws IllegalArgumentException if the key or value exceeds the limits of {@link MemTable}
     * @throws IllegalStateException if the set is closed
     * @throws WriteStallException if the write needed a freeze and the set stayed at its
     *     {@code maxImmutables} limit for the stall timeout (the write was not applied)
     * @throws UncheckedIOException if the log refused the write, which stops writes (see
     *     {@link #resume()}), or writes are stopped, or a pending freeze could not create the next
     *     table; in each case the write was not applied
     */
    public void put(Bytes key, Bytes value) {
        MemTable.checkEntry(key, value);
        rotation.write((t, sequence) -> t.put(key, value, sequence));
    }

    /**
     * Writes a tombstone for {@code key}: the same as {@code put(key, Bytes.EMPTY)}.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the key exceeds {@link MemTable#MAX_KEY_LENGTH}
     * @throws IllegalStateException if the set is closed
     * @throws WriteStallException as for {@link #put}
     * @throws UncheckedIOException as for {@link #put}
     */
    public void delete(Bytes key) {
        put(key, Bytes.EMPTY);
    }

    /**
     * Applies {@code batch} to the mutable table as one atomic write at one sequence
     * ({@link MemTable#write(WriteBatch, long)}): a batch never spans two tables, with a WAL
     * directory it is one log record, and readers see all of it or none. An empty batch does
     * nothing (and takes no sequence).
     *
     * @throws NullPointerException if {@code batch} is null
     * @throws IllegalStateException if the set is closed
     * @throws WriteStallException as for {@link #put}
     * @throws UncheckedIOException as for {@link #put}
     */
    public void write(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch");
        rotation.checkOpen();
        if (!batch.isEmpty()) {
            rotation.write((t, sequence) -> t.write(batch, sequence));
        }
    }

    /**
     * Freezes the mutable table now, even below the freeze size; does nothing if it is empty.
     * When this returns, every write that returned before it was called is in an immutable table.
     * Stalls like a write while the set holds {@code maxImmutables} immutable tables.
     *
     * @return true if this call froze a table; false if the mutable table was empty, or another
     *     thread froze it first
     * @throws IllegalStateException if the set is closed
     * @throws WriteStallException if there was no room for the stall timeout (nothing changed)
     * @throws UncheckedIOException if writes are stopped ({@link #resume()}), or the next
     *     table's log could not be created (nothing changed)
     */
    public boolean freeze() {
        return rotation.freeze();
    }

    /**
     * Lets writes continue after the mutable table's log failed. A log that fails (disk full,
     * file too large, a failed fsync) stays failed, so the set then <em>stops writes</em>, as
     * RocksDB does on a background error: every write and {@link #freeze()} throws an
     * {@link UncheckedIOException} naming the failed log and the cause and saying to call this
     * method; reads go on. This freezes the failed table onto a new table with a new log and
     * lets writes continue. The failed table stays readable and is flushed like any other: the
     * writes it acknowledged are intact in memory ({@link #sync()} reports its log's failure
     * until it is released, since it cannot say which of them reached the disk).
     *
     * @return true if writes were stopped and now continue; false if they were not stopped
     * @throws IllegalStateException if the set is closed
     * @throws WriteStallException if the set holds {@code maxImmutables} immutable tables and
     *     none is released within the stall timeout (writes stay stopped)
     * @throws UncheckedIOException if the new log cannot be created (writes stay stopped; call
     *     again once the cause is fixed)
     */
    public boolean resume() {
        return rotation.resume();
    }

    /**
     * Returns true while writes are stopped because the mutable table's log failed, until
     * {@link #resume()} succeeds. A health check for engines and tools; thread-safe, and true
     * after {@link #close()} only if writes were stopped then.
     */
    public boolean writesStopped() {
        return rotation.writesStopped();
    }

    // ------------------------------------------------------------------ reads

    /**
     * Looks {@code key} up in the tables at {@link #lastSequence()}, newest table first; the first
     * table that knows the key decides. Returns {@code Optional.empty()} if no table knows it (look
     * on disk), an empty {@code Bytes} if the newest version is a tombstone (deleted: do not look
     * further), else the value.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalStateException if the set is closed
     */
    public Optional<Bytes> get(Bytes key) {
        Objects.requireNonNull(key, "key");
        while (true) {
            rotation.checkOpen();
            long sequence = rotation.sequences().published();
            Optional<Bytes> found = rotation.tables().get(key, sequence);
            if (found != null) {
                return found;
            }
        }
    }

    /**
     * Returns the live entries between the bounds across all tables, at {@link #lastSequence()}
     * when the scan starts: ascending, each key once with its newest value, keys whose newest
     * version is a tombstone left out. The iterator pins the tables of the moment it was created
     * (a released table stays open until the iterator is closed: <b>close it</b>). It reads at a
     * fixed sequence, so writes made while it runs are never seen: it is a consistent view, like
     * a {@link #snapshot()} that lives as long as the iterator (but does not hold back
     * {@link #watermark()}).
     *
     * @throws NullPointerException naming {@code lower} or {@code upper} if it is null
     * @throws IllegalStateException if the set is closed
     */
    public MemTableIterator scan(Bound lower, Bound upper) {
        return scan0(lower, upper, true);
    }

    /**
     * As {@link #scan}, but yields a key whose newest version is a tombstone as an entry with an
     * empty value, for an engine that merges this with older, on-disk data.
     *
     * @throws NullPointerException naming {@code lower} or {@code upper} if it is null
     * @throws IllegalStateException if the set is closed
     */
    public MemTableIterator scanWithTombstones(Bound lower, Bound upper) {
        return scan0(lower, upper, false);
    }

    private MemTableIterator scan0(Bound lower, Bound upper, boolean liveOnly) {
        Objects.requireNonNull(lower, "lower");
        Objects.requireNonNull(upper, "upper");
        while (true) {
            rotation.checkOpen();
            if (Bound.isEmptyRange(lower, upper)) {
                return MemTableIterator.empty();
            }
            long sequence = rotation.sequences().published();
            MemTableIterator it = rotation.tables().scan(lower, upper, liveOnly, sequence);
            if (it != null) {
                return it;
            }
        }
    }

    /**
     * Returns the mutable table, as a read-only view (writes go through the set). The table may be
     * frozen at any moment after this returns.
     *
     * @throws IllegalStateException if the set is closed
     */
    public MemTable mutable() {
        rotation.checkOpen();
        return rotation.tables().mutable.view;
    }

    /**
     * Returns the immutable tables, newest first (descending ids), as an unmodifiable snapshot of
     * read-only views. The newest may still be receiving writes that began before its freeze
     * ({@link #oldestImmutable()} waits for those).
     *
     * @throws IllegalStateException if the set is closed
     */
    public List<MemTable> immutables() {
        rotation.checkOpen();
        return rotation.tables().immutableViews;
    }

    // ------------------------------------------------------------------ sequences and snapshots

    /**
     * Returns the newest published sequence: every write with a sequence at or below it is
     * applied and visible, and no write above it is visible to the set's reads. 0 before the first
     * write; after a restart on a WAL directory, the highest sequence recovered.
     *
     * @throws IllegalStateException if the set is closed
     */
    public long lastSequence() {
        rotation.checkOpen();
        return rotation.sequences().published();
    }

    /**
     * Returns a snapshot at {@link #lastSequence()}: a consistent read-only view that sees exactly
     * what the set holds now, whatever is written, frozen or flushed afterwards. It pins the
     * set's current tables (a table released by {@link #flushed} stays readable to it) and holds
     * back {@link #watermark()} until it is closed. <b>Close it.</b>
     *
     * @throws IllegalStateException if the set is closed
     */
    public Snapshot snapshot() {
        return Snapshot.take(rotation, watermark);
    }

    /**
     * Returns the watermark: the lowest sequence of any open {@link Snapshot}, or
     * {@link #lastSequence()} if none is open. No reader of this set reads below it, so a version
     * that is superseded by a newer version at or below the watermark is invisible to every
     * reader, now and later (new snapshots start at {@link #lastSequence()}).
     *
     * @throws IllegalStateException if the set is closed
     */
    public long watermark() {
        rotation.checkOpen();
        long published = rotation.sequences().published();
        return watermark.lowest(published);
    }

    /**
     * Returns what a flush of {@code table} must write so that no reader loses a version: every
     * version of the table (keys ascending, sequences descending, tombstones included) that is
     * the newest of its key in the table, or that some open snapshot still sees (a snapshot at
     * {@code s} sees a version at {@code v} when {@code v <= s} and the key's next newer version
     * is above {@code s}). Versions no snapshot can see are left out. Snapshots opened later read
     * at or above every sequence of a frozen table, so they need only the newest versions, which
     * are always kept: the answer stays right while the flush runs. The iterator keeps the table
     * open until it is closed; <b>close it</b>, then call {@link #flushed}.
     *
     * <p>An engine that keeps all versions (no snapshots) can read {@link MemTable#versions}
     * instead; one that wants only the newest versions reads {@link MemTable#scan}.
     *
     * @param table an immutable table of this set, as {@link #oldestImmutable()} or
     *     {@link #immutables()} returned it; waits, as {@code oldestImmutable} does, until every
     *     write into it is finished and published
     * @throws NullPointerException if {@code table} is null
     * @throws IllegalArgumentException if {@code table} is not an immutable table of this set
     * @throws IllegalStateException if the set is closed, or the table was released meanwhile
     */
    public MemTableIterator versionsToFlush(MemTable table) {
        Objects.requireNonNull(table, "table");
        return RetainedVersions.of(rotation.immutableSlot(table), watermark.sequences());
    }

    /**
     * Filters {@code allVersions} (every version of some keys: keys ascending, sequences
     * descending, as {@link MemTable#versions} yields them, or a merge of several such sources)
     * down to what a reader at one of {@code snapshots} or at the newest sequence can still see:
     * the newest version of each key, plus each older version at {@code v} such that a snapshot
     * {@code s} has {@code v <= s < n}, where {@code n} is the sequence of the key's next newer
     * version. It is the rule {@link #versionsToFlush} applies, for an engine that merges its
     * flushed tables with the same snapshots in mind. Tombstones are versions like any other
     * (dropping the ones that shadow nothing is the merge's business). The result owns
     * {@code allVersions} and closes it.
     *
     * @param allVersions every version, keys ascending, sequences descending
     * @param snapshots the open snapshots' sequences, ascending (duplicates allowed); not copied
     * @throws NullPointerException if an argument is null
     */
    public static MemTableIterator retainedVersions(MemTableIterator allVersions,
                                                    long[] snapshots) {
        Objects.requireNonNull(allVersions, "allVersions");
        Objects.requireNonNull(snapshots, "snapshots");
        return new RetainedVersions(allVersions, snapshots, null);
    }

    // ------------------------------------------------------------------ flush hand-off

    /**
     * Returns the oldest immutable table (the next one to flush), or empty if there is none. The
     * table is final: every write that entered it has completed. It is a read-only view.
     *
     * @throws IllegalStateException if the set is closed
     */
    public Optional<MemTable> oldestImmutable() {
        return rotation.oldestImmutable();
    }

    /**
     * Tells the set that {@code table}, its oldest immutable table, is now durable elsewhere (and
     * visible to the engine's reads): the set deletes the table's log file durably in this call,
     * drops the table, wakes stalled writers, and closes the table once no read or open iterator
     * of the set uses it any more. A crash before this call replays the table at the next build,
     * which is harmless. Tables must be released oldest first.
     *
     * @param table a table returned by {@link #oldestImmutable()} or {@link #immutables()}
     * @throws NullPointerException if {@code table} is null
     * @throws IllegalArgumentException if {@code table} is not the oldest immutable table of this
     *     set (the mutable table, a newer immutable one, one already released, or a stranger)
     * @throws IllegalStateException if the set is closed
     * @throws IOException if the log file could not be deleted; the set is then unchanged
     */
    public void flushed(MemTable table) throws IOException {
        Objects.requireNonNull(table, "table");
        rotation.release(table);
    }

    // ------------------------------------------------------------------ durability and closing

    /**
     * Returns once every write accepted (returned) before this call is on stable storage: syncs
     * the log of every table. Does nothing durable for a set without a WAL directory.
     *
     * @throws IOException if a log failed (a failed log stays failed; if it is the mutable
     *     table's, writes stop: see {@link #resume()}), or a frozen table's log failed when it
     *     was sealed (reported until that table is released by {@link #flushed})
     * @throws IllegalStateException if the set is closed
     */
    public void sync() throws IOException {
        rotation.checkOpen();
        rotation.sync();
    }

    /**
     * Closes the set: refuses new calls, waits for the writes in flight, then closes every table,
     * which syncs and closes its log (the files stay: nothing is flushed; the next build recovers
     * them), and unlocks the WAL directory. Idempotent.
     *
     * @throws IOException if a table's final sync or close failed (the others are closed anyway;
     *     further failures are attached as suppressed)
     */
    @Override
    public void close() throws IOException {
        rotation.close();
    }

    /** Returns true once {@link #close()} was called. */
    public boolean isClosed() {
        return rotation.isClosed();
    }

    @Override
    public String toString() {
        return "MemTableSet[backend=" + backendName + ", " + rotation
                + (walDirectory != null ? ", wal=" + walDirectory : "") + "]";
    }

    // ------------------------------------------------------------------ builder

    /**
     * Configures and opens a {@link MemTableSet}. Every setter checks its argument at once (a
     * rejected call leaves the builder as it was); {@link #build()} checks the combination. Not
     * thread-safe; a builder may build several sets (on different WAL directories).
     */
    public static final class Builder {
        private MemTableProvider backend;
        private long freezeAtBytes = DEFAULT_FREEZE_AT_BYTES;
        private Path walDirectory;
        private WalOptions walOptions;
        private WalProvider walProvider;
        private int maxImmutables = Integer.MAX_VALUE;
        private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
        private long minimumLastSequence;

        private Builder() {
        }

        /**
         * The backend that creates the tables. Required.
         *
         * @throws NullPointerException if {@code provider} is null
         */
        public Builder backend(MemTableProvider provider) {
            this.backend = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * The size at which the mutable table is frozen: when a write leaves its
         * {@link MemTable#approximateSize()} at or above this. Default
         * {@link MemTableSet#DEFAULT_FREEZE_AT_BYTES}.
         *
         * @throws IllegalArgumentException if {@code bytes} is not positive
         */
        public Builder freezeAtBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("freezeAtBytes must be positive, got " + bytes);
            }
            this.freezeAtBytes = bytes;
            return this;
        }

        /**
         * Makes the set durable: one write-ahead log per table in {@code directory} (created if
         * missing), recovered by {@link #build()}. The backend must declare
         * {@link Capability#WAL}. Default: none, the set lives in memory only.
         *
         * @throws NullPointerException if {@code directory} is null
         */
        public Builder walDirectory(Path directory) {
            this.walDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * How the tables use their logs (sync policy, recovery mode); needs
         * {@link #walDirectory(Path)}. Default {@link WalOptions#defaults()}.
         *
         * @throws NullPointerException if {@code options} is null
         */
        public Builder walOptions(WalOptions options) {
            this.walOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * The log implementation of the set's tables; needs {@link #walDirectory(Path)}. It
         * creates, recovers and deletes the logs; the backend is bound to it with
         * {@link MemTableProvider#withWalProvider}. Default: {@link MemTables#walProvider()},
         * looked up once by {@link #build()}.
         *
         * @throws NullPointerException if {@code logs} is null
         */
        public Builder walProvider(WalProvider logs) {
            this.walProvider = Objects.requireNonNull(logs, "logs");
            return this;
        }

        /**
         * The most immutable tables the set holds; a write that needs a freeze beyond it stalls
         * until {@link MemTableSet#flushed(MemTable)} releases one. Default: no limit. A build that
         * recovers more tables than this opens anyway, and writes that need a freeze stall until
         * enough are released.
         *
         * @throws IllegalArgumentException if {@code count} is less than 1
         */
        public Builder maxImmutables(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxImmutables must be at least 1, got "
                        + count);
            }
            this.maxImmutables = count;
            return this;
        }

        /**
         * How long a stalled write waits for a release before it fails with
         * {@link WriteStallException}. Default {@link MemTableSet#DEFAULT_STALL_TIMEOUT}.
         *
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder stallTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("stallTimeout must be positive, got "
                        + timeout);
            }
            this.stallTimeout = timeout;
            return this;
        }

        /**
         * The lowest {@link MemTableSet#lastSequence()} the set starts with: after
         * {@link #build()} it is the higher of this and the highest sequence recovered from the
         * logs, and new writes are numbered above it. An engine whose flushed data holds
         * sequences up to {@code s} passes {@code s}, so that writes after a restart (whose logs
         * were all flushed and deleted) still number above everything on disk. Default 0.
         *
         * @throws IllegalArgumentException if {@code sequence} is negative or above
         *     {@link MemTable#MAX_SEQUENCE}
         */
        public Builder minimumLastSequence(long sequence) {
            if (sequence < 0 || sequence > MemTable.MAX_SEQUENCE) {
                throw new IllegalArgumentException("minimumLastSequence must be in [0, "
                        + MemTable.MAX_SEQUENCE + "], got " + sequence);
            }
            this.minimumLastSequence = sequence;
            return this;
        }

        /**
         * Opens the set: with a WAL directory, locks it and recovers every log in it into
         * immutable tables, newest first (see {@link DirectoryRecovery}); then creates the mutable
         * table with an id above every id found.
         *
         * @throws IllegalStateException if no backend was set, {@code walOptions} or
         *     {@code walProvider} was set without a WAL directory, the backend lacks
         *     {@link Capability#WAL} for a WAL directory, or no log implementation is found
         * @throws IOException if the directory cannot be created, read or locked (another set
         *     has it open), holds a {@code .wal} file not named by a 20-digit id, or a log cannot
         *     be recovered ({@link WalCorruptionException} names the file and offset); nothing is
         *     left open
         */
        public MemTableSet build() throws IOException {
            if (backend == null) {
                throw new IllegalStateException("no backend set: call backend(...), e.g. with"
                        + " MemTables.defaultProvider() or MemTables.provider(name), before build()");
            }
            if (walDirectory == null && (walOptions != null || walProvider != null)) {
                throw new IllegalStateException((walOptions != null ? "walOptions" : "walProvider")
                        + "(...) was set but no walDirectory(...): a set without a WAL directory"
                        + " has no logs to configure");
            }
            if (walDirectory != null && !backend.capabilities().contains(Capability.WAL)) {
                throw new IllegalStateException("backend " + backend.name() + " does not support"
                        + " write-ahead logs (it does not declare Capability.WAL), so it cannot"
                        + " use walDirectory " + walDirectory);
            }
            DirectoryRecovery.Recovered opened = walDirectory == null
                    ? DirectoryRecovery.inMemory(backend)
                    : DirectoryRecovery.open(walDirectory,
                            walProvider != null ? walProvider : MemTables.walProvider(), backend,
                            walOptions != null ? walOptions : WalOptions.defaults());
            TableRotation rotation = new TableRotation(opened.source(), opened.tables(),
                    freezeAtBytes, maxImmutables, stallTimeout,
                    !backend.capabilities().contains(Capability.CONCURRENT_WRITES),
                    new Sequencer(Math.max(opened.tables().lastSequence(), minimumLastSequence)));
            return new MemTableSet(backend.name(), rotation, walDirectory);
        }
    }
}
