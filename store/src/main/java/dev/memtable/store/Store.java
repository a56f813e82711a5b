package dev.memtable.store;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.MemTables;
import dev.memtable.WriteBatch;
import dev.memtable.internal.Closeables;
import dev.memtable.set.MemTableSet;
import dev.memtable.set.WriteStallException;
import dev.memtable.spi.MemTableProvider;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A small durable key-value store: the other half of the memtables. Writes go to a
 * {@link MemTableSet} with one write-ahead log per memtable; a full memtable is frozen, and a
 * background thread writes it to a <em>sorted run</em> (an immutable file of blocks, an index
 * and a bloom filter: {@code store/FORMAT.md}), records the run in a checksummed manifest, then
 * deletes the memtable's log. Runs are read through one Caffeine block cache bounded in bytes;
 * when a flush leaves {@link StoreOptions#maxRuns()} runs, they are merged into one.
 *
 * <pre>{@code
 * try (Store store = Store.open(Path.of("db"))) {
 *     store.put(Bytes.ofUtf8("user:1"), Bytes.ofUtf8("ada"));
 *     store.get(Bytes.ofUtf8("user:1"));                  // Optional[ada]
 *     store.delete(Bytes.ofUtf8("user:1"));
 *     store.get(Bytes.ofUtf8("user:1"));                  // Optional.empty
 * }
 * }</pre>
 *
 * <h2>Reads</h2>
 * A read asks the memtables newest first, then the runs newest first; the first that knows the
 * key decides, so a delete (a tombstone) shadows every older version, in memory or on disk.
 * {@link #get} and {@link #scan} answer with live data only. {@link #snapshot()} returns a
 * consistent view at one sequence that sees memtables and runs alike, whatever is written,
 * flushed or merged afterwards; merges keep every version an open snapshot can see.
 *
 * <h2>Durability</h2>
 * A write returns once its log record is as durable as {@link StoreOptions#syncPolicy()} says
 * (README's table); {@link #sync()} makes every returned write durable. A restart
 * ({@link #open}) reads the manifest, opens the runs it names, deletes run files it does not
 * name (left by a crash mid-flush or mid-merge), and replays the logs of memtables not yet
 * flushed. A crash at any moment (mid-flush, mid-merge, mid-manifest-write) loses no write the
 * policy promised and leaves a store that opens. Closing does not flush: the logs are replayed
 * at the next open.
 *
 * <h2>Files</h2>
 * In the store's directory: {@code LOCK} (one open store at a time), {@code MANIFEST},
 * {@code <20-digit id>.run} files, and {@code wal/}, the memtables' logs. Damage is reported by
 * {@link StoreCorruptionException}, naming the file and offset, never read as data.
 *
 * <h2>Threads</h2>
 * Every method may be called by any number of threads at once; iterators are for one thread
 * at a time. After {@link #close()} every method but {@link #close()}, {@link #directory()} and
 * {@link #options()} throws {@link IllegalStateException}.
 */
public final class Store implements Closeable {

    private final Path directory;
    private final StoreOptions options;
    private final FileLock lock;
    private final MemTableSet set;
    private final BlockCache cache;
    private final Flusher flusher;
    private final ReentrantReadWriteLock retention = new ReentrantReadWriteLock();
    private final Set<Snapshot> snapshots = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private Store(Path directory, StoreOptions options, FileLock lock, MemTableSet set,
                  BlockCache cache, Manifest manifest, List<Run> runs) {
        this.directory = directory;
        this.options = options;
        this.lock = lock;
        this.set = set;
        this.cache = cache;
        this.flusher = new Flusher(directory, options, set, cache, manifest, runs,
                retention.writeLock(), this::snapshotSequences);
    }

    /**
     * Opens (or creates) the store in {@code directory} with {@link StoreOptions#defaults()}.
     *
     * @see #open(Path, StoreOptions)
     */
    public static Store open(Path directory) throws IOException {
        return open(directory, StoreOptions.defaults());
    }

    /**
     * Opens the store in {@code directory}, creating it if missing: locks it, reads the manifest,
     * deletes run files the manifest does not name, opens the runs, replays the logs of the
     * memtables that were not flushed, and starts the background flush (which writes the
     * replayed memtables to runs).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@link StoreOptions#backend()} names no backend found
     * @throws StoreCorruptionException if the manifest or a run it names is damaged, naming the
     *     file and offset (the store is not opened; nothing is changed or deleted)
     * @throws IOException if the directory cannot be created, read or locked (another store has
     *     it open), or a log cannot be recovered; nothing is left open
     */
    public static Store open(Path directory, StoreOptions options) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(options, "options");
        MemTableProvider backend = options.backend() == null ? MemTables.defaultProvider()
                : MemTables.provider(options.backend());
        Files.createDirectories(directory);
        FileLock lock = StoreFiles.lock(directory);
        List<Run> runs = new ArrayList<>();
        MemTableSet set = null;
        try {
            Manifest manifest = Manifest.read(directory);
            BlockCache cache = new BlockCache(options.blockCacheBytes());
            for (long id : manifest.runs()) {
                runs.add(Run.open(id, StoreFiles.runFile(directory, id), cache));
            }
            long highest = StoreFiles.removeUnnamed(directory, manifest);
            if (highest >= manifest.nextRunId()) {
                // A leftover of a crash had the next id: never hand it out again.
                manifest = manifest.with(highest + 1, manifest.flushedThroughTable(),
                        manifest.lastSequence(), manifest.runs());
            }
            set = MemTableSet.builder()
                    .backend(backend)
                    .freezeAtBytes(options.freezeAtBytes())
                    .maxImmutables(options.maxImmutables())
                    .walDirectory(directory.resolve(StoreFiles.WAL_DIRECTORY))
                    .walOptions(options.walOptions())
                    .minimumLastSequence(manifest.lastSequence())
                    .build();
            // A crash between a flush's manifest and the deletion of its log replays a table the
            // runs already hold: release it now.
            for (Optional<MemTable> t; (t = set.oldestImmutable()).isPresent()
                    && t.get().id() <= manifest.flushedThroughTable(); ) {
                set.flushed(t.get());
            }
            Store store = new Store(directory, options, lock, set, cache, manifest, runs);
            store.flusher.schedule();
            return store;
        } catch (IOException | RuntimeException | Error e) {
            for (Run r : runs) {
                Closeables.closeQuietly(r, e);
            }
            Closeables.closeQuietly(set, e);
            Closeables.closeQuietly(lock.channel(), e);
            throw e;
        }
    }

    // ------------------------------------------------------------------ writes

    /**
     * Maps {@code key} to {@code value}; an empty value deletes the key (as {@link #delete}).
     *
     * @throws NullPointerException naming {@code key} or {@code value} if it is null
     * @throws IllegalArgumentException if the key or value exceeds {@link MemTable}'s limits
     * @throws IllegalStateException if the store is closed
     * @throws WriteStallException if the background flush fell {@link StoreOptions#maxImmutables()}
     *     memtables behind and did not catch up within a minute (the write was not applied)
     * @throws UncheckedIOException if the log refused the write (it was not applied)
     */
    public void put(Bytes key, Bytes value) {
        checkOpen();
        set.put(key, value);
        flusher.afterWrite();
    }

    /**
     * Deletes {@code key}: writes a tombstone that shadows every older version.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the key exceeds {@link MemTable#MAX_KEY_LENGTH}
     * @throws IllegalStateException if the store is closed
     * @throws WriteStallException as for {@link #put}
     * @throws UncheckedIOException as for {@link #put}
     */
    public void delete(Bytes key) {
        checkOpen();
        set.delete(key);
        flusher.afterWrite();
    }

    /**
     * Applies {@code batch} atomically: one log record, one sequence; readers and snapshots see
     * all of it or none, and a crash keeps all of it or none. An empty batch does nothing.
     *
     * @throws NullPointerException if {@code batch} is null
     * @throws IllegalStateException if the store is closed
     * @throws WriteStallException as for {@link #put}
     * @throws UncheckedIOException as for {@link #put}
     */
    public void write(WriteBatch batch) {
        checkOpen();
        set.write(batch);
        flusher.afterWrite();
    }

    // ------------------------------------------------------------------ reads

    /**
     * Returns the newest value of {@code key}, or {@code Optional.empty()} if the key is absent
     * or deleted. The value is read-only and stays valid after later writes.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalStateException if the store is closed
     * @throws UncheckedIOException if a run cannot be read (its cause names the file and, for
     *     damage, the offset: {@link StoreCorruptionException})
     */
    public Optional<Bytes> get(Bytes key) {
        Objects.requireNonNull(key, "key");
        checkOpen();
        Optional<Bytes> inMemory = set.get(key);
        if (inMemory.isPresent()) {
            return Reads.live(inMemory);
        }
        RunSet runs = flusher.acquire();
        try {
            return Reads.get(runs, key, Long.MAX_VALUE);
        } finally {
            runs.release();
        }
    }

    /**
     * Returns the live entries with keys between the bounds, ascending, each with its newest
     * value; deleted keys are left out. The iterator is a consistent view of the moment it was
     * created (it keeps the memtables and runs it reads open: <b>close it</b>).
     *
     * @throws NullPointerException naming {@code lower} or {@code upper} if it is null
     * @throws IllegalStateException if the store is closed
     * @throws UncheckedIOException if a run cannot be read, now or while iterating
     */
    public MemTableIterator scan(Bound lower, Bound upper) {
        checkOpen();
        MemTableIterator tables = set.scanWithTombstones(lower, upper);
        return Reads.scan(tables, lower, upper, Long.MAX_VALUE, flusher.acquire());
    }

    /**
     * Returns a snapshot: a consistent, read-only view at {@link #lastSequence()} that sees the
     * memtables and runs as they are now, whatever is written, flushed or merged afterwards.
     * <b>Close it</b>: it holds the memtables and runs it reads, and merges keep the versions it
     * sees until then.
     *
     * @throws IllegalStateException if the store is closed
     */
    public Snapshot snapshot() {
        checkOpen();
        retention.readLock().lock();
        try {
            dev.memtable.set.Snapshot tables = set.snapshot();
            Snapshot s = new Snapshot(this, tables, flusher.acquire());
            snapshots.add(s);
            return s;
        } finally {
            retention.readLock().unlock();
        }
    }

    /**
     * Returns the newest published sequence: every write at or below it is visible. Sequences
     * rise across restarts.
     *
     * @throws IllegalStateException if the store is closed
     */
    public long lastSequence() {
        checkOpen();
        return set.lastSequence();
    }

    // ------------------------------------------------------------------ durability

    /**
     * Returns once every write that returned before this call is on stable storage.
     *
     * @throws IOException if a log failed (see {@link MemTableSet#sync()})
     * @throws IllegalStateException if the store is closed
     */
    public void sync() throws IOException {
        checkOpen();
        set.sync();
    }

    /**
     * Freezes the mutable memtable and writes every frozen memtable to a run; returns once they
     * are durable in runs (and their logs deleted). A merge that the new runs trigger runs
     * before this returns. Does nothing if every memtable is empty.
     *
     * @throws IOException if a run or the manifest cannot be written (nothing is lost: the
     *     memtables and their logs stay, and the flush is retried)
     * @throws IllegalStateException if the store is closed
     * @throws WriteStallException if the freeze found {@link StoreOptions#maxImmutables()}
     *     frozen memtables and none was flushed within a minute
     */
    public void flush() throws IOException {
        checkOpen();
        set.freeze();
        flusher.flushNow();
    }

    /**
     * Merges every run into one, keeping the newest version of each key, the versions open
     * snapshots see, and no tombstone that shadows nothing; returns once the merged run is
     * durable and named by the manifest. Memtables are not flushed (see {@link #flush()}).
     *
     * @return the number of runs there were (0 or 1: nothing was merged)
     * @throws IOException if the merged run or the manifest cannot be written (the runs stay as
     *     they were)
     * @throws IllegalStateException if the store is closed
     */
    public int compact() throws IOException {
        checkOpen();
        return flusher.compactNow();
    }

    // ------------------------------------------------------------------ state

    /**
     * Returns the store's state (see {@link StoreStats}).
     *
     * @throws IllegalStateException if the store is closed
     */
    public StoreStats stats() {
        checkOpen();
        List<MemTable> frozen = set.immutables();
        long memtableBytes = set.mutable().approximateSize();
        for (MemTable t : frozen) {
            memtableBytes += t.approximateSize();
        }
        long runBytes = 0;
        long runEntries = 0;
        int runCount;
        RunSet runs = flusher.acquire();
        try {
            runCount = runs.size();
            for (RunSet.Handle h : runs.handles()) {
                runBytes += h.run.meta().fileSize();
                runEntries += h.run.meta().entries();
            }
        } finally {
            runs.release();
        }
        return new StoreStats(1 + frozen.size(), memtableBytes, runCount, runBytes, runEntries,
                flusher.flushes(), flusher.compactions(), set.lastSequence(), cache.stats());
    }

    /**
     * Returns the block cache's statistics since the store opened.
     *
     * @throws IllegalStateException if the store is closed
     */
    public BlockCacheStats cacheStats() {
        checkOpen();
        return cache.stats();
    }

    /** Returns the store's directory. */
    public Path directory() {
        return directory;
    }

    /** Returns the options the store was opened with. */
    public StoreOptions options() {
        return options;
    }

    /**
     * Closes the store: waits for a flush or merge in progress, closes the memtables (their logs
     * stay and are replayed at the next open: closing does not flush), closes the runs (reads
     * through open iterators and snapshots then throw {@link IllegalStateException}) and unlocks
     * the directory. Idempotent.
     *
     * @throws IOException if a log's final sync or a file's close failed (everything is closed
     *     anyway; further failures are attached as suppressed)
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        IOException failure = null;
        try {
            flusher.close();
        } catch (IOException e) {
            failure = e;
        }
        try {
            set.close();
        } catch (IOException e) {
            failure = add(failure, e);
        }
        try {
            lock.channel().close();
        } catch (IOException e) {
            failure = add(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Returns true once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "Store[" + directory + ", " + set + "]";
    }

    // ------------------------------------------------------------------ for Snapshot

    void forget(Snapshot snapshot) {
        snapshots.remove(snapshot);
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store " + directory + " is closed");
        }
    }

    /** The open snapshots' sequences, ascending; called with the retention gate held. */
    private long[] snapshotSequences() {
        long[] sequences = snapshots.stream().mapToLong(Snapshot::sequence).toArray();
        Arrays.sort(sequences);
        return sequences;
    }

    private static IOException add(IOException failure, IOException e) {
        if (failure == null) {
            return e;
        }
        failure.addSuppressed(e);
        return failure;
    }
}
