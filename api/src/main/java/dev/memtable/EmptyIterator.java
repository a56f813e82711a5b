package dev.memtable;

import java.util.NoSuchElementException;

/** The iterator with no entries; stateless, so one instance serves everyone. */
final class EmptyIterator implements MemTableIterator {
    static final EmptyIterator INSTANCE = new EmptyIterator();

    private EmptyIterator() {
    }

    @Override
    public boolean isValid() {
        return false;
    }

    @Override
    public Bytes key() {
        throw new NoSuchElementException("empty iterator has no current entry");
    }

    @Override
    public Bytes value() {
        throw new NoSuchElementException("empty iterator has no current entry");
    }

    @Override
    public long sequence() {
        throw new NoSuchElementException("empty iterator has no current entry");
    }

    @Override
    public void next() {
        // past the end: harmless
    }

    @Override
    public void close() {
        // nothing held
    }
}
