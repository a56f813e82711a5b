package dev.memtable.tck;

import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import java.util.function.BooleanSupplier;

/**
 * The iterator of {@link HandWrittenTable}: a map cursor that refuses use once it, or its table
 * as {@code tableOpen} says, is closed.
 */
final class HandWrittenIterator implements MemTableIterator {
    private final MemTableIterator inner;
    private final BooleanSupplier tableOpen;
    private final long tableId;
    private boolean open = true;

    HandWrittenIterator(MemTableIterator inner, BooleanSupplier tableOpen, long tableId) {
        this.inner = inner;
        this.tableOpen = tableOpen;
        this.tableId = tableId;
    }

    @Override
    public boolean isValid() {
        return open && tableOpen.getAsBoolean() && inner.isValid();
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
        if (open) {
            open = false;
            inner.close();
        }
    }

    private void check() {
        if (!open) {
            throw new IllegalStateException("iterator is closed");
        }
        if (!tableOpen.getAsBoolean()) {
            throw new IllegalStateException("memtable " + tableId + " is closed");
        }
    }
}
