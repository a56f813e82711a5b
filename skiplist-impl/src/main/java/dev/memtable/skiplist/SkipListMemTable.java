package dev.memtable.skiplist;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.Ranges;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A memtable on a {@link ConcurrentSkipListMap}: lock-free puts and gets, weakly consistent
 * iterators straight from the map. Keys and values are stored as the caller's {@link Bytes}
 * (no copy); reads return them as stored.
 */
final class SkipListMemTable extends AbstractMemTable {

    private final ConcurrentSkipListMap<Bytes, Bytes> map = new ConcurrentSkipListMap<>();

    SkipListMemTable(long id) {
        super(id);
    }

    @Override
    protected void doPut(Bytes key, Bytes value) {
        map.put(key, value);
    }

    @Override
    protected Bytes doGet(Bytes key) {
        return map.get(key);
    }

    @Override
    protected MemTableIterator doScan(Bound lower, Bound upper) {
        return Ranges.scan(map, lower, upper);
    }

    @Override
    protected boolean doIsEmpty() {
        return map.isEmpty();
    }

    @Override
    protected void doClose() {
        map.clear();
    }
}
