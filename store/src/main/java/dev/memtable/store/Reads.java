package dev.memtable.store;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.MergeIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The read path over runs that {@link Store} and {@link Snapshot} share: after the memtables
 * have answered "unknown", the runs newest first; a scan merges the memtables' scan with every
 * run's. A tombstone answers as absent: the store's reads are live only.
 */
final class Reads {

    private Reads() {
    }

    /** The newest version of {@code key} at or below {@code sequence} in {@code runs}. */
    static Optional<Bytes> get(RunSet runs, Bytes key, long sequence) {
        for (RunSet.Handle h : runs.handles()) {
            Optional<Bytes> found = h.run.get(key, sequence);
            if (found.isPresent()) {
                return live(found);
            }
        }
        return Optional.empty();
    }

    /**
     * Merges {@code tables} (the memtables' scan, tombstones included) with {@code runs} read at
     * {@code sequence}, live entries only; the merge releases {@code runs} when closed.
     */
    static MemTableIterator scan(MemTableIterator tables, Bound lower, Bound upper,
                                 long sequence, RunSet runs) {
        List<MemTableIterator> sources = new ArrayList<>(1 + runs.size());
        sources.add(tables);
        try {
            if (!Bound.isEmptyRange(lower, upper)) {
                for (RunSet.Handle h : runs.handles()) {
                    sources.add(h.run.scan(lower, upper, sequence));
                }
            }
        } catch (RuntimeException | Error e) {
            for (MemTableIterator it : sources) {
                try {
                    it.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            runs.release();
            throw e;
        }
        return MergeIterator.create(sources, true, runs::release);
    }

    /** The memtables' or a run's answer, as the store answers: a tombstone is absent. */
    static Optional<Bytes> live(Optional<Bytes> found) {
        return found.get().isEmpty() ? Optional.empty() : found;
    }
}
