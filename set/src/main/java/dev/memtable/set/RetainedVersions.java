package dev.memtable.set;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;

/**
 * Filters an every-version iterator ({@link dev.memtable.MemTable#versions}: keys ascending,
 * sequences descending) down to what a flush must keep: the newest version of each key, plus
 * each older version that some open snapshot sees. A snapshot at {@code s} sees the version at
 * {@code v} exactly when {@code v <= s < n}, where {@code n} is the sequence of the key's next
 * newer version (kept or not); the snapshots are a sorted array ({@link Watermark#sequences()}).
 * Tombstones are versions like any other. Closing it closes the source and runs the owner's hook.
 */
final class RetainedVersions implements MemTableIterator {

    private final MemTableIterator all;
    private final long[] snapshots;
    private final Runnable onClose;
    private boolean closed;

    /**
     * Returns what a flush of {@code slot}'s table keeps while the snapshots at
     * {@code snapshots} (ascending) are open; the table stays pinned until the result is closed.
     *
     * @throws IllegalStateException if the table was released before it could be pinned
     */
    static RetainedVersions of(TableSlot slot, long[] snapshots) {
        int token = slot.pin();
        if (token < 0) {
            throw new IllegalStateException("memtable " + slot.id() + " was released while the"
                    + " flush was being prepared");
        }
        MemTableIterator all;
        try {
            all = slot.table.versions(Bound.unbounded(), Bound.unbounded());
        } catch (RuntimeException e) {
            slot.unpin(token);
            throw e;
        }
        return new RetainedVersions(all, snapshots, () -> slot.unpin(token));
    }

    RetainedVersions(MemTableIterator all, long[] snapshots, Runnable onClose) {
        this.all = all;
        this.snapshots = snapshots;
        this.onClose = onClose;
    }

    @Override
    public boolean isValid() {
        return !closed && all.isValid();
    }

    @Override
    public Bytes key() {
        check();
        return all.key();
    }

    @Override
    public Bytes value() {
        check();
        return all.value();
    }

    @Override
    public long sequence() {
        check();
        return all.sequence();
    }

    @Override
    public void next() {
        check();
        if (!all.isValid()) {
            return;
        }
        Bytes key = all.key();
        long newer = all.sequence();
        all.next();
        while (all.isValid() && all.key().equals(key)) {
            long older = all.sequence();
            if (Watermark.seesBetween(snapshots, older, newer)) {
                return; // a snapshot still reads this version: keep it
            }
            newer = older;
            all.next();
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                all.close();
            } finally {
                if (onClose != null) {
                    onClose.run();
                }
            }
        }
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("iterator is closed");
        }
    }
}
