package dev.memtable.skiplist;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.Ranges;
import java.util.Iterator;
import java.util.Map;
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
        return new SkipListIterator(Ranges.view(map, lower, upper).entrySet().iterator());
    }

    @Override
    protected boolean doIsEmpty() {
        return map.isEmpty();
    }

    @Override
    protected void doClose() {
        map.clear();
    }

    /** Adapts the map's weakly consistent entry iterator to the cursor style. */
    private static final class SkipListIterator implements MemTableIterator {
        private final Iterator<Map.Entry<Bytes, Bytes>> entries;
        private Map.Entry<Bytes, Bytes> current;

        SkipListIterator(Iterator<Map.Entry<Bytes, Bytes>> entries) {
            this.entries = entries;
            this.current = entries.hasNext() ? entries.next() : null;
        }

        @Override
        public boolean isValid() {
            return current != null;
        }

        @Override
        public Bytes key() {
            if (current == null) {
                throw noCurrentEntry();
            }
            return current.getKey();
        }

        @Override
        public Bytes value() {
            if (current == null) {
                throw noCurrentEntry();
            }
            return current.getValue();
        }

        @Override
        public void next() {
            if (current != null) {
                current = entries.hasNext() ? entries.next() : null;
            }
        }

        @Override
        public void close() {
            current = null;
        }
    }
}
