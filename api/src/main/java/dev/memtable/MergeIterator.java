package dev.memtable;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A k-way merge of sorted iterators into one: keys ascending, each key once, and for a key that
 * several sources hold, the <em>newest</em> version: the one with the highest
 * {@linkplain MemTableIterator#sequence() sequence}, and among equal sequences the one of the
 * newest source. It is what a memtable set's {@code scan} returns, and an engine can reuse it to
 * merge memtables with its on-disk tables.
 *
 * <h2>Sources</h2>
 * The sources are given as a list ordered <b>newest first</b>: when two sources are on the same
 * key, the one whose entry has the higher sequence wins, at equal sequences the one with the lower
 * index, and the others skip that key. Sequences decide first so that a write that reached a
 * newer source with a lower sequence than an older source's (possible only when writers race a
 * freeze in an engine that does not order them) still resolves by sequence, as every reader at a
 * sequence does. Each source must yield
 * strictly ascending keys (every {@link MemTableIterator} does) and is taken as it is positioned,
 * so pass new iterators. The merge owns its sources: {@link #close()} closes every one of them, and
 * a merge that fails to construct closes them before it throws.
 *
 * <h2>Tombstones</h2>
 * {@link #withTombstones(List)} yields the newest version of each key even when it is a tombstone
 * (an empty value), as an engine needs to merge further with older data.
 * {@link #liveOnly(List)} skips keys whose newest version is a tombstone, so it yields only live
 * entries; a tombstone still hides the key's older versions in the other sources.
 *
 * <h2>Cost</h2>
 * A binary heap ({@link PriorityQueue}) of the sources that still have entries, ordered by
 * (current key, source index): each step costs {@code O(log k)} comparisons per source that moves.
 * Keys and values are handed out as the sources return them, without copying.
 *
 * <h2>Consistency and threads</h2>
 * The merge is as consistent as its sources: over weakly consistent sources it is weakly
 * consistent too (ascending, no key twice, each value one that was written). Like every iterator
 * it is meant for one thread at a time. After {@link #close()}, or once the source positioned on
 * the current entry reports that its table was closed, {@link #isValid()} is false and
 * {@link #key()}, {@link #value()} and {@link #next()} throw {@link IllegalStateException}.
 */
public final class MergeIterator implements MemTableIterator {

    /** One source and the key it is positioned on (cached for the heap's comparisons). */
    private static final class Source {
        final MemTableIterator iterator;
        final int index;
        Bytes key;
        long sequence;

        Source(MemTableIterator iterator, int index) {
            this.iterator = iterator;
            this.index = index;
        }
    }

    private final List<Source> sources;
    private final PriorityQueue<Source> heap;
    private final boolean dropTombstones;
    private final Runnable onClose;
    /** The source positioned on the current entry, outside the heap; null when exhausted. */
    private Source current;
    private boolean closed;

    private MergeIterator(List<? extends MemTableIterator> newestFirst, boolean dropTombstones,
                          Runnable onClose) {
        this.dropTombstones = dropTombstones;
        this.onClose = onClose;
        this.sources = new ArrayList<>(newestFirst.size());
        this.heap = new PriorityQueue<>(Math.max(1, newestFirst.size()), MergeIterator::order);
        for (int i = 0; i < newestFirst.size(); i++) {
            sources.add(new Source(newestFirst.get(i), i));
        }
        try {
            for (Source s : sources) {
                if (s.iterator.isValid()) {
                    s.key = s.iterator.key();
                    s.sequence = s.iterator.sequence();
                    heap.add(s);
                }
            }
            settle();
        } catch (RuntimeException | Error e) {
            closeAll(e);
            throw e;
        }
    }

    /**
     * Merges {@code newestFirst}, yielding the newest version of every key, tombstones included
     * (as empty values).
     *
     * @param newestFirst the sources, newest first (index 0 wins ties); the merge takes ownership
     * @throws NullPointerException if the list or an element is null (the other sources are then
     *     closed)
     */
    public static MergeIterator withTombstones(List<? extends MemTableIterator> newestFirst) {
        return create(newestFirst, false, null);
    }

    /**
     * Merges {@code newestFirst}, yielding only keys whose newest version is live (non-empty); a
     * newer tombstone hides the older versions of its key.
     *
     * @param newestFirst the sources, newest first (index 0 wins ties); the merge takes ownership
     * @throws NullPointerException if the list or an element is null (the other sources are then
     *     closed)
     */
    public static MergeIterator liveOnly(List<? extends MemTableIterator> newestFirst) {
        return create(newestFirst, true, null);
    }

    /**
     * Merges {@code newestFirst} as {@link #liveOnly} ({@code dropTombstones}) or
     * {@link #withTombstones} does, and runs {@code onClose} once when the merge is closed, after
     * its sources, or when this call fails: the place to release what the sources hold (a memtable
     * set unpins its tables there).
     *
     * @param newestFirst the sources, newest first (index 0 wins ties); the merge takes ownership
     * @param dropTombstones true to yield live entries only
     * @param onClose run once on close; null for nothing
     * @throws NullPointerException if the list or an element is null (the other sources are then
     *     closed and {@code onClose} is run)
     */
    public static MergeIterator create(List<? extends MemTableIterator> newestFirst,
                                       boolean dropTombstones, Runnable onClose) {
        Objects.requireNonNull(newestFirst, "newestFirst");
        for (int i = 0; i < newestFirst.size(); i++) {
            if (newestFirst.get(i) == null) {
                NullPointerException e = new NullPointerException("newestFirst[" + i + "] is null");
                for (MemTableIterator it : newestFirst) {
                    if (it != null) {
                        it.close();
                    }
                }
                if (onClose != null) {
                    onClose.run();
                }
                throw e;
            }
        }
        return new MergeIterator(newestFirst, dropTombstones, onClose);
    }

    /** Returns true if this merge skips keys whose newest version is a tombstone. */
    public boolean dropsTombstones() {
        return dropTombstones;
    }

    @Override
    public boolean isValid() {
        return !closed && current != null && current.iterator.isValid();
    }

    /**
     * {@inheritDoc}
     *
     * @throws NoSuchElementException if the merge is exhausted
     * @throws IllegalStateException if the merge, or the source on the current entry, is closed
     */
    @Override
    public Bytes key() {
        return currentSource().iterator.key();
    }

    /**
     * {@inheritDoc} The value comes from the newest source holding the key.
     *
     * @throws NoSuchElementException if the merge is exhausted
     * @throws IllegalStateException if the merge, or the source on the current entry, is closed
     */
    @Override
    public Bytes value() {
        return currentSource().iterator.value();
    }

    /**
     * {@inheritDoc} The sequence of the winning version.
     *
     * @throws NoSuchElementException if the merge is exhausted
     * @throws IllegalStateException if the merge, or the source on the current entry, is closed
     */
    @Override
    public long sequence() {
        return currentSource().iterator.sequence();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the merge or a source that must move is closed
     */
    @Override
    public void next() {
        checkOpen();
        Source c = current;
        if (c == null) {
            return;
        }
        current = null;
        advance(c);
        settle();
    }

    /** Closes every source, then runs the owner's hook. Idempotent; never throws. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            current = null;
            heap.clear();
            closeAll(null);
        }
    }

    @Override
    public String toString() {
        return "MergeIterator[" + sources.size() + " sources, "
                + (dropTombstones ? "live only" : "with tombstones")
                + (closed ? ", closed" : current == null ? ", exhausted" : ", at " + current.key)
                + "]";
    }

    // ------------------------------------------------------------------ internals

    /**
     * Orders sources by key, then by sequence descending, then by index: among equal keys the
     * newest version comes first, and at equal sequences the newest source.
     */
    private static int order(Source a, Source b) {
        int c = a.key.compareTo(b.key);
        if (c != 0) {
            return c;
        }
        c = Long.compare(b.sequence, a.sequence);
        return c != 0 ? c : Integer.compare(a.index, b.index);
    }

    /**
     * Takes the smallest key off the heap as the current entry, moves every older source past
     * it, and in live-only mode repeats while the winner is a tombstone.
     */
    private void settle() {
        while (!heap.isEmpty()) {
            Source top = heap.poll();
            Source older;
            while ((older = heap.peek()) != null && older.key.equals(top.key)) {
                heap.poll();
                advance(older);
            }
            if (dropTombstones && top.iterator.value().isEmpty()) {
                advance(top);
                continue;
            }
            current = top;
            return;
        }
    }

    private void advance(Source s) {
        s.iterator.next();
        if (s.iterator.isValid()) {
            s.key = s.iterator.key();
            s.sequence = s.iterator.sequence();
            heap.add(s);
        } else {
            s.key = null;
        }
    }

    private Source currentSource() {
        checkOpen();
        Source c = current;
        if (c == null) {
            throw new NoSuchElementException(
                    "merge iterator is not positioned on an entry (isValid() is false)");
        }
        return c;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("iterator is closed");
        }
    }

    private void closeAll(Throwable failure) {
        for (Source s : sources) {
            try {
                s.iterator.close();
            } catch (RuntimeException e) {
                // MemTableIterator.close must not throw; one that does must not stop the others.
                if (failure != null) {
                    failure.addSuppressed(e);
                }
            }
        }
        if (onClose != null) {
            onClose.run();
        }
    }
}
