package dev.memtable.set;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.MergeIterator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The tables a {@link MemTableSet} uses at one moment: the mutable table and the immutable ones,
 * newest first. A snapshot never changes; {@link TableRotation} replaces it as a whole
 * (copy-on-write), so a reader that takes one snapshot sees every table exactly once, even while a
 * freeze or a release runs.
 *
 * <h2>Reads pin</h2>
 * A read pins each table it uses ({@link TableSlot#pin()}), so a table released meanwhile stays
 * open until the read is done. A table released before the read pinned it refuses the pin; the
 * read then answers {@code null} ("read the current snapshot again"), because the release has
 * already handed that table's entries to the engine. Anything that reads over time (an iterator,
 * or a read view of a later version) pins the same way.
 *
 * <p>Immutable and thread-safe.
 */
final class Tables {

    final TableSlot mutable;
    /** Newest first. */
    final List<TableSlot> immutables;
    /** The mutable table, then the immutables: the order of every read. */
    private final TableSlot[] newestFirst;
    /** Read-only views of {@link #immutables}, for users. */
    final List<MemTable> immutableViews;

    Tables(TableSlot mutable, List<TableSlot> immutables) {
        this.mutable = mutable;
        this.immutables = List.copyOf(immutables);
        this.newestFirst = new TableSlot[immutables.size() + 1];
        this.newestFirst[0] = mutable;
        List<MemTable> views = new ArrayList<>(immutables.size());
        for (int i = 0; i < immutables.size(); i++) {
            newestFirst[i + 1] = immutables.get(i);
            views.add(immutables.get(i).view);
        }
        this.immutableViews = Collections.unmodifiableList(views);
    }

    /** Returns the snapshot after a freeze: {@code next} is mutable, the old mutable the newest immutable. */
    Tables frozenInto(TableSlot next) {
        List<TableSlot> imm = new ArrayList<>(immutables.size() + 1);
        imm.add(mutable);
        imm.addAll(immutables);
        return new Tables(next, imm);
    }

    /** Returns the snapshot without its oldest immutable table (which must exist). */
    Tables withoutOldest() {
        return new Tables(mutable, immutables.subList(0, immutables.size() - 1));
    }

    /** Returns the oldest immutable table, or null if there is none. */
    TableSlot oldest() {
        return immutables.isEmpty() ? null : immutables.get(immutables.size() - 1);
    }

    /** Returns every table, newest first (a copy). */
    List<TableSlot> all() {
        return List.of(newestFirst);
    }

    /** Returns the highest sequence any of the tables holds; 0 if none holds a version. */
    long lastSequence() {
        long last = 0;
        for (TableSlot t : newestFirst) {
            last = Math.max(last, t.table.lastSequence());
        }
        return last;
    }

    /**
     * Asks the tables newest first, at {@code sequence}; the first that knows {@code key} decides
     * (sequences rise from older tables to newer ones, so that is the newest version at or below
     * the sequence). Returns the answer of {@link MemTable#get(Bytes, long)}, or {@code null} if a
     * table was released before it could be pinned.
     */
    Optional<Bytes> get(Bytes key, long sequence) {
        for (TableSlot t : newestFirst) {
            int token = t.pin();
            if (token < 0) {
                return null;
            }
            try {
                Optional<Bytes> found = t.table.get(key, sequence);
                if (found.isPresent()) {
                    return found;
                }
            } finally {
                t.unpin(token);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns a merged scan at {@code sequence} over every table that keeps them pinned until it
     * is closed, or {@code null} if a table was released before it could be pinned.
     *
     * @param liveOnly leave out keys whose newest version is a tombstone
     */
    MemTableIterator scan(Bound lower, Bound upper, boolean liveOnly, long sequence) {
        TableSlot[] tables = newestFirst;
        int[] tokens = pinAll();
        if (tokens == null) {
            return null;
        }
        return scan(tables, lower, upper, liveOnly, sequence,
                () -> unpin(tables, tokens, tables.length));
    }

    /**
     * Returns a merged scan at {@code sequence} over {@code tables}, which the caller has pinned;
     * {@code onClose} runs once when the scan is closed, or now if this fails.
     */
    static MemTableIterator scan(TableSlot[] tables, Bound lower, Bound upper, boolean liveOnly,
                                 long sequence, Runnable onClose) {
        List<MemTableIterator> sources = new ArrayList<>(tables.length);
        try {
            for (TableSlot t : tables) {
                sources.add(t.table.scan(lower, upper, sequence));
            }
        } catch (RuntimeException e) {
            sources.forEach(MemTableIterator::close);
            onClose.run();
            throw e;
        }
        return MergeIterator.create(sources, liveOnly, onClose);
    }

    /** Returns every table, newest first, as an array the caller may keep (a copy). */
    TableSlot[] newestFirst() {
        return newestFirst.clone();
    }

    /**
     * Pins every table, newest first; returns the tokens, or {@code null} (nothing pinned) if a
     * table was released before it could be pinned.
     */
    int[] pinAll() {
        TableSlot[] tables = newestFirst;
        int[] tokens = new int[tables.length];
        for (int i = 0; i < tables.length; i++) {
            tokens[i] = tables[i].pin();
            if (tokens[i] < 0) {
                unpin(tables, tokens, i);
                return null;
            }
        }
        return tokens;
    }

    static void unpin(TableSlot[] tables, int[] tokens, int count) {
        for (int i = 0; i < count; i++) {
            tables[i].unpin(tokens[i]);
        }
    }

    /** Describes a table the set was asked to release but cannot. */
    String notReleasable(MemTable table) {
        String what = "memtable " + table.id();
        if (table == mutable.view) {
            return what + " is the mutable table: it can be released only once it is frozen and"
                    + " the oldest immutable table";
        }
        for (TableSlot t : immutables) {
            if (t.view == table) {
                return what + " is not the oldest immutable table (that is memtable "
                        + oldest().id() + "): release tables oldest first, as oldestImmutable()"
                        + " returns them";
            }
        }
        return what + " is not an immutable table of this set (already released, or from"
                + " elsewhere); pass a table returned by oldestImmutable()";
    }

    @Override
    public String toString() {
        List<Long> ids = new ArrayList<>();
        for (TableSlot t : immutables) {
            ids.add(t.id());
        }
        return "mutable=" + mutable.id() + ", immutables=" + ids;
    }
}
