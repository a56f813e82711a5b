package dev.memtable.spi;

import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;

/**
 * What {@link AbstractMemTable} wraps around every backend iterator it hands out: once the
 * iterator or its table is closed, {@link #isValid()} is false and every other method but
 * {@link #close()} throws {@link IllegalStateException}, whatever the backend's iterator would
 * do. For one thread at a time, like every iterator.
 */
final class GuardedIterator implements MemTableIterator {
    private final AbstractMemTable table;
    private final MemTableIterator inner;
    private boolean iteratorOpen = true;

    GuardedIterator(AbstractMemTable table, MemTableIterator inner) {
        this.table = table;
        this.inner = inner;
    }

    @Override
    public boolean isValid() {
        return iteratorOpen && !table.isClosed() && inner.isValid();
    }

    @Override
    public Bytes key() {
        check();
        return inner.key();
    }

    @Override
    public Bytes value() {
        check();
        return inner.value();
    }

    @Override
    public long sequence() {
        check();
        return inner.sequence();
    }

    @Override
    public void next() {
        check();
        inner.next();
    }

    @Override
    public void close() {
        if (iteratorOpen) {
            iteratorOpen = false;
            inner.close();
        }
    }

    private void check() {
        if (!iteratorOpen) {
            throw new IllegalStateException("iterator is closed");
        }
        if (table.isClosed()) {
            throw new IllegalStateException("memtable " + table.id() + " is closed");
        }
    }
}
