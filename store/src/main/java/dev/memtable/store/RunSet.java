package dev.memtable.store;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live runs of a store at one moment, newest first: what a read consults after the
 * memtables. Immutable, and reference-counted so that a merge can replace the runs while reads,
 * iterators and snapshots go on using the old ones: the store's current set holds one
 * reference, every reader {@link #tryRetain()}s its own and {@link #release()}s it when done. A
 * run belongs to every set that lists it ({@link Handle} counts them); when the last set that
 * lists a run is gone, the run's file is closed, and deleted if a merge {@linkplain
 * Handle#retire() retired} it (after the manifest stopped naming it). Thread-safe.
 */
final class RunSet {

    /** One open run and the number of sets that list it. */
    static final class Handle {
        final Run run;
        private final java.util.function.Consumer<Handle> onClosed;
        private final AtomicInteger sets = new AtomicInteger();
        private volatile boolean retired;

        /** @param onClosed told once the run is closed because no set lists it any more */
        Handle(Run run, java.util.function.Consumer<Handle> onClosed) {
            this.run = run;
            this.onClosed = onClosed;
        }

        /** Deletes the run's file once no set lists it any more. */
        void retire() {
            retired = true;
        }

        private void join() {
            sets.incrementAndGet();
        }

        private void leave() {
            if (sets.decrementAndGet() == 0) {
                onClosed.accept(this);
                try {
                    run.close();
                    if (retired) {
                        Files.deleteIfExists(run.file());
                    }
                } catch (IOException e) {
                    // The file stays; the next open deletes run files no manifest names.
                    System.getLogger(RunSet.class.getName()).log(System.Logger.Level.WARNING,
                            "could not remove merged run " + run.file(), e);
                }
            }
        }
    }

    private final Handle[] newestFirst;
    private final AtomicInteger references = new AtomicInteger(1);

    /** A set listing {@code newestFirst}, holding the one reference its creator owns. */
    RunSet(Handle[] newestFirst) {
        this.newestFirst = newestFirst.clone();
        for (Handle h : this.newestFirst) {
            h.join();
        }
    }

    /** The runs, newest first; do not modify. */
    Handle[] handles() {
        return newestFirst;
    }

    /** The number of runs. */
    int size() {
        return newestFirst.length;
    }

    /** Takes a reference unless the set is already gone; true if taken. */
    boolean tryRetain() {
        while (true) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Takes another reference on behalf of a holder of one (never fails). */
    void retain() {
        if (!tryRetain()) {
            throw new IllegalStateException("a released run set was retained");
        }
    }

    /** Gives a reference back; the last one lets go of the runs. */
    void release() {
        int n = references.decrementAndGet();
        if (n == 0) {
            for (Handle h : newestFirst) {
                h.leave();
            }
        } else if (n < 0) {
            throw new IllegalStateException("run set released more often than retained");
        }
    }
}
