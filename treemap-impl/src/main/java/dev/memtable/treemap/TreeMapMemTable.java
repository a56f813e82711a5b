package dev.memtable.treemap;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.ByteArrays;
import dev.memtable.spi.Ranges;
import dev.memtable.spi.Versions;
import dev.memtable.spi.Versions.Version;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.StampedLock;

/**
 * A memtable on a {@link TreeMap} from each key's bytes to its chain of versions
 * ({@link Versions}), behind the read and write views of a {@link StampedLock}.
 *
 * <p>A {@code StampedLock} rather than a {@code ReentrantReadWriteLock}: the latter keeps a
 * thread-local hold count for every reader but the first (created again each time a thread's count
 * falls to zero), a stamped lock keeps no per-thread state. It is not reentrant, and nothing here
 * takes the lock while holding it.
 *
 * <p>The map is keyed by {@code byte[]} in {@link Versions#KEY_ORDER}, so a comparison loads the
 * key array directly, with no {@code Bytes} wrapper between. <b>Keys are stored by reference</b>:
 * the map keeps {@link ByteArrays#exact} of the key handed to {@code put}, which for a whole-array
 * {@link Bytes#wrap(byte[])} is the caller's array (given up under {@code wrap}'s contract); a
 * slice is copied. Probes are looked up the same way, without a copy for whole-array keys.
 *
 * <p>A scan never holds the lock while its caller works: it copies a bounded chunk of entries
 * ({@link #CHUNK} at most) under the read lock, hands them out, and for the next chunk re-seeks
 * just after the last key it returned. So a scan is weakly consistent in the same sense as the
 * skip list's: ascending, no key twice, each value one that was written, writes in between may or
 * may not be seen.
 */
final class TreeMapMemTable extends AbstractMemTable {

    /** Keys copied per lock acquisition during a scan (all versions of the last key too). */
    static final int CHUNK = 128;

    private final TreeMap<byte[], Version> map = new TreeMap<>(Versions.KEY_ORDER);
    private final Lock readLock;
    private final Lock writeLock;

    TreeMapMemTable(long id) {
        super(id);
        StampedLock lock = new StampedLock();
        this.readLock = lock.asReadLock();
        this.writeLock = lock.asWriteLock();
    }

    @Override
    protected void doPut(Bytes key, Bytes value, long sequence) {
        byte[] k = ByteArrays.exact(key); // a slice is copied before the lock, not under it
        writeLock.lock();
        try {
            Versions.put(map, k, value, sequence);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    protected Bytes doGet(Bytes key, long sequence) {
        byte[] k = ByteArrays.exact(key);
        readLock.lock();
        try {
            return Versions.get(map, k, sequence);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    protected MemTableIterator doScan(Bound lower, Bound upper, long sequence) {
        return new ChunkedIterator(lower, upper, sequence, false);
    }

    @Override
    protected MemTableIterator doVersions(Bound lower, Bound upper) {
        return new ChunkedIterator(lower, upper, Long.MAX_VALUE, true);
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

    /**
     * Reads the range a chunk of keys at a time under the read lock, re-seeking after the last key
     * handed out. Yields either the version visible at a sequence of each key, or every version
     * (a key's versions are copied together, so a chunk may hold more than {@link #CHUNK}
     * entries).
     */
    private final class ChunkedIterator implements MemTableIterator {
        private final Bound upper;
        private final long sequence;
        private final boolean allVersions;
        private Bytes[] keys = new Bytes[CHUNK];
        private Bytes[] values = new Bytes[CHUNK];
        private long[] sequences = new long[CHUNK];
        private int count;
        private int pos;
        private boolean exhausted;

        ChunkedIterator(Bound lower, Bound upper, long sequence, boolean allVersions) {
            this.upper = upper;
            this.sequence = sequence;
            this.allVersions = allVersions;
            fill(lower);
        }

        /** Copies the next chunk, starting at {@code from}; skips chunks with nothing visible. */
        private void fill(Bound from) {
            count = 0;
            pos = 0;
            while (count == 0) {
                if (Bound.isEmptyRange(from, upper)) {
                    exhausted = true;
                    return;
                }
                int keysRead = 0;
                boolean more = false;
                readLock.lock();
                try {
                    for (Map.Entry<byte[], Version> e
                            : Ranges.arrayView(map, from, upper).entrySet()) {
                        if (keysRead == CHUNK) {
                            more = true;
                            break;
                        }
                        keysRead++;
                        lastKeyRead = e.getKey();
                        Version v = e.getValue();
                        if (allVersions) {
                            Bytes key = Bytes.wrap(lastKeyRead);
                            for (; v != null; v = v.older()) {
                                add(key, v);
                            }
                        } else if ((v = v.visibleAt(sequence)) != null) {
                            add(Bytes.wrap(lastKeyRead), v);
                        }
                    }
                } finally {
                    readLock.unlock();
                }
                exhausted = !more;
                if (exhausted) {
                    return;
                }
                from = Bound.excluded(Bytes.wrap(lastKeyRead));
            }
        }

        /** The last key copied (visible or not): the next chunk starts after it. */
        private byte[] lastKeyRead;

        private void add(Bytes key, Version v) {
            if (count == keys.length) {
                keys = Arrays.copyOf(keys, count * 2);
                values = Arrays.copyOf(values, count * 2);
                sequences = Arrays.copyOf(sequences, count * 2);
            }
            keys[count] = key;
            values[count] = v.value();
            sequences[count] = v.sequence();
            count++;
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
        public long sequence() {
            if (pos >= count) {
                throw noCurrentEntry();
            }
            return sequences[pos];
        }

        @Override
        public void next() {
            if (pos >= count) {
                return;
            }
            if (++pos == count && !exhausted) {
                fill(Bound.excluded(Bytes.wrap(lastKeyRead)));
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
