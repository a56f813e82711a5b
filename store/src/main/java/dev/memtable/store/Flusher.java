package dev.memtable.store;

import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.set.MemTableSet;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * The store's one background thread and everything it changes: it writes the oldest frozen
 * memtable to a run, merges the runs, updates the {@link Manifest} and swaps the store's
 * {@link RunSet}. One thread does all of it, so manifest updates never race, and a flush waits
 * for a merge in progress.
 *
 * <h2>The order that makes a crash harmless</h2>
 * A flush: write the run and force it; force the directory; open it (a run that cannot be read
 * back is never named); install a manifest naming it with {@code flushedThroughTable} = the
 * table's id; swap the run set (readers now find the versions in the run); then
 * {@link MemTableSet#flushed} deletes the table's log. A crash before the manifest leaves an
 * unnamed run file (deleted at the next open) and the log (replayed); after it, the next open
 * releases the replayed table at once, since the manifest says the runs hold it. A merge: write
 * and force the merged run, install a manifest naming only it, swap the run set, then retire the
 * old runs (their files are deleted once no reader holds them); a crash leaves either the old
 * runs named or the new one, and unnamed files are deleted at the next open.
 *
 * <h2>Readers</h2>
 * A read takes the memtables first, then the run set ({@link #acquire()}), so a table released
 * by a flush is always found: in the set, or in the run installed before the release.
 */
final class Flusher {

    private static final System.Logger LOG = System.getLogger(Flusher.class.getName());
    /** After a failed background flush, the next is tried no sooner than this. */
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path directory;
    private final StoreOptions options;
    private final MemTableSet set;
    private final BlockCache cache;
    /** Taken for writing while a flush or merge decides which versions snapshots need. */
    private final Lock retentionGate;
    /** The open snapshots' sequences, ascending. */
    private final Supplier<long[]> snapshots;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Every run opened and not yet closed, to close at {@link #close()}. */
    private final Set<RunSet.Handle> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong flushes = new AtomicLong();
    private final AtomicLong compactions = new AtomicLong();
    private volatile RunSet current;
    /** Read and written on the background thread only, after construction. */
    private Manifest manifest;
    private volatile boolean failing;
    private volatile boolean closing;

    /**
     * @param runs the manifest's runs, opened, newest first (this takes them over)
     */
    Flusher(Path directory, StoreOptions options, MemTableSet set, BlockCache cache,
            Manifest manifest, List<Run> runs, Lock retentionGate, Supplier<long[]> snapshots) {
        this.directory = directory;
        this.options = options;
        this.set = set;
        this.cache = cache;
        this.manifest = manifest;
        this.retentionGate = retentionGate;
        this.snapshots = snapshots;
        RunSet.Handle[] handles = new RunSet.Handle[runs.size()];
        for (int i = 0; i < handles.length; i++) {
            handles[i] = track(runs.get(i));
        }
        this.current = new RunSet(handles);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "memtable-store-flush " + directory.getFileName());
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = executor;
    }

    /** Returns the current runs with a reference taken; release it. */
    RunSet acquire() {
        while (true) {
            RunSet s = current;
            if (s.tryRetain()) {
                return s;
            }
        }
    }

    long flushes() {
        return flushes.get();
    }

    long compactions() {
        return compactions.get();
    }

    /**
     * Called after every write: starts a background flush if a frozen table waits for one (after
     * a failed flush, the retry is already scheduled).
     */
    void afterWrite() {
        if (!scheduled.get() && !failing && !set.immutables().isEmpty()) {
            schedule();
        }
    }

    /** Queues one background pass (flush every frozen table, then merge if too many runs). */
    void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                thread.execute(this::background);
            } catch (RejectedExecutionException e) {
                scheduled.set(false); // closing
            }
        }
    }

    private void background() {
        scheduled.set(false);
        if (closing) {
            return;
        }
        try {
            flushAll();
            failing = false;
            if (!set.immutables().isEmpty()) {
                schedule(); // frozen during this pass: the next pass, behind any queued caller
            }
        } catch (IOException | RuntimeException e) {
            failing = true;
            LOG.log(System.Logger.Level.WARNING, "background flush of store " + directory
                    + " failed; it is retried in a second, and flush() reports the error", e);
            if (scheduled.compareAndSet(false, true)) {
                try {
                    thread.schedule(this::background, RETRY_NANOS, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException closed) {
                    scheduled.set(false);
                }
            }
        }
    }

    /** Runs a flush of every frozen table (and the merge it may trigger) now; waits for it. */
    void flushNow() throws IOException {
        await(() -> {
            flushAll();
            return null;
        });
    }

    /** Merges every run into one now; waits for it. Returns the number of runs merged. */
    int compactNow() throws IOException {
        return await(this::compactAll);
    }

    private <T> T await(Callable<T> task) throws IOException {
        Future<T> done;
        try {
            done = thread.submit(task);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("store " + directory + " is closed", e);
        }
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the store's"
                    + " background thread; the work goes on without this caller");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }

    // ------------------------------------------------------------------ the background thread

    /**
     * Flushes the frozen tables that are there now, oldest first, merging whenever the runs
     * reach {@code maxRuns}; tables frozen meanwhile are left to the next pass, so a caller of
     * {@link #flushNow} or {@link #compactNow} queued behind this pass is not kept waiting by
     * writers that never stop.
     */
    private void flushAll() throws IOException {
        List<MemTable> frozen = set.immutables();
        if (frozen.isEmpty()) {
            return;
        }
        long through = frozen.get(0).id(); // newest first
        for (Optional<MemTable> t; (t = set.oldestImmutable()).isPresent()
                && t.get().id() <= through; ) {
            if (t.get().id() <= manifest.flushedThroughTable()) {
                set.flushed(t.get()); // its run is named; an earlier deletion of its log failed
            } else {
                flush(t.get());
            }
            // Merge between flushes too: under sustained writes runs must not pile up past
            // maxRuns while the tables are written.
            if (current.size() >= options.maxRuns()) {
                compactAll();
            }
        }
    }

    private void flush(MemTable table) throws IOException {
        MemTableIterator versions;
        retentionGate.lock();
        try {
            versions = set.versionsToFlush(table);
        } finally {
            retentionGate.unlock();
        }
        long id = manifest.nextRunId();
        Run run;
        try (versions) {
            run = versions.isValid() ? write(id, versions, "flush.run-written") : null;
        }
        List<RunSet.Handle> runs = new ArrayList<>(List.of(current.handles()));
        long lastSequence = manifest.lastSequence();
        if (run != null) {
            runs.add(0, track(run));
            lastSequence = Math.max(lastSequence, run.meta().maxSequence());
        }
        install(manifest.with(id + 1, Math.max(manifest.flushedThroughTable(), table.id()),
                lastSequence, ids(runs)), runs, run, new RunSet.Handle[0]);
        set.flushed(table);
        flushes.incrementAndGet();
        CrashPoints.reached("flush.done");
    }

    private int compactAll() throws IOException {
        RunSet.Handle[] inputs = current.handles();
        if (inputs.length < 2) {
            return inputs.length;
        }
        long[] sequences;
        retentionGate.lock();
        try {
            sequences = snapshots.get();
        } finally {
            retentionGate.unlock();
        }
        List<MemTableIterator> sources = new ArrayList<>(inputs.length);
        long id = manifest.nextRunId();
        Run run;
        try {
            for (RunSet.Handle h : inputs) {
                sources.add(h.run.versions());
            }
        } catch (RuntimeException e) {
            sources.forEach(MemTableIterator::close);
            throw e;
        }
        try (MemTableIterator merged = MergedVersions.of(sources, sequences)) {
            run = merged.isValid() ? write(id, merged, "compact.run-written") : null;
        }
        List<RunSet.Handle> runs = new ArrayList<>(1);
        if (run != null) {
            runs.add(track(run));
        }
        install(manifest.with(id + 1, manifest.flushedThroughTable(), manifest.lastSequence(),
                ids(runs)), runs, run, inputs);
        compactions.incrementAndGet();
        CrashPoints.reached("compact.done");
        return inputs.length;
    }

    /** Writes {@code versions} to run {@code id}, forces it and its directory, opens it. */
    private Run write(long id, MemTableIterator versions, String crashPoint) throws IOException {
        Path file = StoreFiles.runFile(directory, id);
        try {
            try (RunWriter out = RunWriter.create(file, id, options.blockSize(),
                    options.bloomBitsPerKey())) {
                for (; versions.isValid(); versions.next()) {
                    out.add(versions.key(), versions.sequence(), versions.value());
                }
                out.finish();
            }
            StoreFiles.syncDirectory(directory);
            CrashPoints.reached(crashPoint);
            return Run.open(id, file, cache);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Makes {@code next} the manifest and {@code runs} the readers' run set, and retires the
     * runs that {@code next} no longer names (their files are deleted once no reader holds
     * them). If the manifest cannot be installed, the new run is closed and deleted and nothing
     * changes.
     */
    private void install(Manifest next, List<RunSet.Handle> runs, Run added,
                         RunSet.Handle[] retiring) throws IOException {
        try {
            next.install(directory);
        } catch (IOException | RuntimeException e) {
            if (added != null) {
                RunSet.Handle h = runs.get(0);
                open.remove(h);
                try {
                    added.close();
                    Files.deleteIfExists(added.file());
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        manifest = next;
        for (RunSet.Handle h : retiring) {
            h.retire();
        }
        RunSet old = current;
        current = new RunSet(runs.toArray(new RunSet.Handle[0]));
        old.release();
    }

    private RunSet.Handle track(Run run) {
        RunSet.Handle h = new RunSet.Handle(run, open::remove);
        open.add(h);
        return h;
    }

    private static long[] ids(List<RunSet.Handle> runs) {
        long[] ids = new long[runs.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = runs.get(i).run.meta().id();
        }
        return ids;
    }

    /**
     * Stops the background thread (a flush or merge in progress finishes first), then closes
     * every run, including those readers still hold (their reads then throw
     * {@link IllegalStateException}).
     */
    void close() throws IOException {
        closing = true;
        thread.shutdown();
        try {
            while (!thread.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.log(System.Logger.Level.INFO, "store " + directory
                        + " is waiting for its background flush or merge to finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while closing store " + directory);
        }
        IOException failure = null;
        for (RunSet.Handle h : open) {
            try {
                h.run.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
