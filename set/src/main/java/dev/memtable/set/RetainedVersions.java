package dev.memtable.set;

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
