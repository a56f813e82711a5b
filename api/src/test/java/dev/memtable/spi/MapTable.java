package dev.memtable.spi;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.Versions.Version;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A minimal table for the api's own tests: a concurrent skip list of {@link Versions} chains under
 * the real plumbing. It keeps the default {@link AbstractMemTable#doScan} (the
 * {@link Versions#visible} filter over {@link #doVersions}), which the shipped backends override,
 * so the api's tests cover that default.
 */
public final class MapTable extends AbstractMemTable {
    final ConcurrentSkipListMap<Bytes, Version> map = new ConcurrentSkipListMap<>();

    public MapTable(long id) {
        super(id);
    }

    /** The value of the newest version of {@code key}, or null: what memory holds for it. */
    Bytes newest(Bytes key) {
        Version head = map.get(key);
        return head == null ? null : head.value();
    }

    @Override
    protected void doPut(Bytes key, Bytes value, long sequence) {
        Versions.put(map, key, value, sequence);
    }

    @Override
    protected Bytes doGet(Bytes key, long sequence) {
        return Versions.get(map, key, sequence);
    }

    @Override
    protected MemTableIterator doVersions(Bound lower, Bound upper) {
        return Versions.all(map, lower, upper);
    }

    @Override
    protected boolean doIsEmpty() {
        return map.isEmpty();
    }
}
