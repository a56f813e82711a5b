package dev.memtable.treemap;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.Ranges;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A memtable on a {@link TreeMap} behind a {@link ReentrantReadWriteLock}.
 *
 * <p>A scan never holds the lock while its caller works: it copies a bounded chunk of entries
 * ({@link #CHUNK} at most) under the read lock, hands them out, and for the next chunk re-seeks
 * just after the last key it returned. So a scan is weakly consistent in the same sense as the
 * skip list's: ascending, no key twice, each value one that was written, writes in between may or
 * may not be seen.
 */
final class TreeMapMemTable extends AbstractMemTable {

    /** Entries copied per lock acquisition during a scan. */
    static final int CHUNK = 128;

    private final TreeMap<Bytes, Bytes> map = new TreeMap<>();
    private final Lock readLock;
    private final Lock writeLock;

    TreeMapMemTable(long id) {
        super(id);
        ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
        this.readLock = rw.readLock();
        this.writeLock = rw.writeLock();
    }

    @Override
    protected void doPut(Bytes key, Bytes value) {
        writeLock.lock();
        try {
            map.put(key, value);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    protected Bytes doGet(Bytes key) {
        readLock.lock();
        try {
            return map.get(key);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    protected MemTableIterator doScan(Bound lower, Bound upper) {
        return new ChunkedIterator(lower, upper);
    }

    @Override
    protected boolean doIsEmpty() {
        readLock.lock();
        try {
            return map.isEmpty();
        } finally {
            readLock.unlock();
        }
    }

    @Override
    protected void doClose() {
        writeLock.lock();
        try {
            map.clear();
        } finally {
            writeLock.unlock();
        }
    }

    /** Reads the range a chunk at a time, re-seeking after the last key handed out. */
    private final class ChunkedIterator implements MemTableIterator {
        private final Bound upper;
        private final Bytes[] keys = new Bytes[CHUNK];
        private final Bytes[] values = new Bytes[CHUNK];
        private int count;
        private int pos;
        private boolean exhausted;

        ChunkedIterator(Bound lower, Bound upper) {
            this.upper = upper;
            fill(lower);
        }

        private void fill(Bound from) {
            count = 0;
            pos = 0;
            if (Bound.isEmptyRange(from, upper)) {
                exhausted = true;
                return;
            }
            readLock.lock();
            try {
                NavigableMap<Bytes, Bytes> view = Ranges.view(map, from, upper);
                for (Map.Entry<Bytes, Bytes> e : view.entrySet()) {
                    keys[count] = e.getKey();
                    values[count] = e.getValue();
                    if (++count == CHUNK) {
                        break;
                    }
                }
            } finally {
                readLock.unlock();
            }
            exhausted = count < CHUNK;
        }

        @Override
        public boolean isValid() {
            return pos < count;
        }

        @Override
        public Bytes key() {
            if (pos >= count) {
                throw noCurrentEntry();
            }
            return keys[pos];
        }

        @Override
        public Bytes value() {
            if (pos >= count) {
                throw noCurrentEntry();
            }
            return values[pos];
        }

        @Override
        public void next() {
            if (pos >= count) {
                return;
            }
            if (++pos == count && !exhausted) {
                fill(Bound.excluded(keys[count - 1]));
            }
        }

        @Override
        public void close() {
            count = 0;
            pos = 0;
            exhausted = true;
        }
    }
}
