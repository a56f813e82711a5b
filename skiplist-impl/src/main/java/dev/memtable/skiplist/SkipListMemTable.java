package dev.memtable.skiplist;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.Versions;
import dev.memtable.spi.Versions.Version;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A memtable on a {@link ConcurrentSkipListMap} from each key to its chain of versions
 * ({@link Versions}): lock-free puts and gets, weakly consistent iterators straight from the map.
 * A key with one version costs one map entry and one version node; reading the newest version is
 * one map lookup. Keys and values are stored as the caller's {@link Bytes} (no copy); reads return
 * them as stored.
 */
final class SkipListMemTable extends AbstractMemTable {

    private final ConcurrentSkipListMap<Bytes, Version> map = new ConcurrentSkipListMap<>();

    SkipListMemTable(long id) {
        super(id);
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
    protected MemTableIterator doScan(Bound lower, Bound upper, long sequence) {
        return Versions.scan(map, lower, upper, sequence);
    }

    @Override
    protected MemTableIterator doVersions(Bound lower, Bound upper) {
        return Versions.all(map, lower, upper);
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
