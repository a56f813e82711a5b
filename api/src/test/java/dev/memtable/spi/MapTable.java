package dev.memtable.spi;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import java.util.concurrent.ConcurrentSkipListMap;

/** A minimal table for the api's own tests: a concurrent skip list under the real plumbing. */
public final class MapTable extends AbstractMemTable {
    final ConcurrentSkipListMap<Bytes, Bytes> map = new ConcurrentSkipListMap<>();

    public MapTable(long id) {
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
}
