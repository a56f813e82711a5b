package dev.memtable.tck;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.AbstractMemTableProvider;
import dev.memtable.spi.Capability;
import dev.memtable.spi.Ranges;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Backends for the self-test in the manner of the tree-map backend: a {@link TreeMap} behind a
 * read-write lock, whose scans copy up to {@link #CHUNK} entries per hold of the read lock and
 * re-seek after the last key handed out. Correct, or with exactly one deliberate {@link Flaw}:
 * the bugs one plants in a copy of {@code TreeMapMemTable}.
 */
final class ChunkedScanProvider extends AbstractMemTableProvider {

    /** Entries copied per hold of the read lock. */
    static final int CHUNK = 128;

    /** The one thing the backend gets wrong. */
    enum Flaw {
        NONE("None: a correct backend."),
        REFILL_REPEATS_LAST_KEY("A refill re-seeks from the last key handed out, included, so it "
                + "comes out twice."),
        REFILL_SKIPS_FIRST_ENTRY("A refill re-seeks after the last key handed out but still "
                + "skips the first entry of the new chunk, as one would after an inclusive "
                + "re-seek."),
        COPIES_WITHOUT_READ_LOCK("A chunk is copied without the read lock, while writers change "
                + "the tree. (Writers and the copy, every 16 entries, pass a RaceWindow, so that "
                + "writers get in on every run, even on a busy machine.)"),
        ITERATOR_HOLDS_READ_LOCK("The iterator takes the read lock when it opens and releases it "
                + "when closed (to see one consistent tree), so writers wait for every open "
                + "iterator."),
        CHUNK_ARRAYS_SHARED_BY_ITERATORS("The chunk arrays belong to the table, not the "
                + "iterator, to save allocations.");

        private final String description;

        Flaw(String description) {
            this.description = description;
        }

        /** The bug, as a backend author would make it. */
        String description() {
            return description;
        }
    }

    private final Flaw flaw;

    ChunkedScanProvider(Flaw flaw) {
        this.flaw = flaw;
    }

    @Override
    public String name() {
        return "chunked-" + flaw.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CONCURRENT_WRITES);
    }

    @Override
    public AbstractMemTable create(long id) {
        return new Table(id, flaw);
    }

    private static final class Table extends AbstractMemTable {
        private final Flaw flaw;
        private final TreeMap<Bytes, Bytes> map = new TreeMap<>();
        private final Lock readLock;
        private final Lock writeLock;
        private final Bytes[] sharedKeys = new Bytes[CHUNK];
        private final Bytes[] sharedValues = new Bytes[CHUNK];
        private final RaceWindow window = new RaceWindow();

        Table(long id, Flaw flaw) {
            super(id);
            this.flaw = flaw;
            ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
            this.readLock = rw.readLock();
            this.writeLock = rw.writeLock();
        }

        @Override
        protected void doPut(Bytes key, Bytes value) {
            if (flaw == Flaw.COPIES_WITHOUT_READ_LOCK) {
                window.widen();
            }
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

        /** Reads the range a chunk at a time, re-seeking after the last key handed out. */
        private final class ChunkedIterator implements MemTableIterator {
            private final Bound upper;
            private final Bytes[] keys;
            private final Bytes[] values;
            private int count;
            private int pos;
            private boolean exhausted;
            private boolean holdsLock;

            ChunkedIterator(Bound lower, Bound upper) {
                this.upper = upper;
                boolean shared = flaw == Flaw.CHUNK_ARRAYS_SHARED_BY_ITERATORS;
                this.keys = shared ? sharedKeys : new Bytes[CHUNK];
                this.values = shared ? sharedValues : new Bytes[CHUNK];
                if (flaw == Flaw.ITERATOR_HOLDS_READ_LOCK) {
                    readLock.lock();
                    holdsLock = true;
                }
                fill(lower);
            }

            private void fill(Bound from) {
                count = 0;
                pos = 0;
                if (Bound.isEmptyRange(from, upper)) {
                    exhausted = true;
                    return;
                }
                boolean lock = flaw != Flaw.COPIES_WITHOUT_READ_LOCK && !holdsLock;
                if (lock) {
                    readLock.lock();
                }
                try {
                    NavigableMap<Bytes, Bytes> view = Ranges.view(map, from, upper);
                    for (Map.Entry<Bytes, Bytes> e : view.entrySet()) {
                        keys[count] = e.getKey();
                        values[count] = e.getValue();
                        if (++count == CHUNK) {
                            break;
                        }
                        if (!lock && count % 16 == 0) {
                            window.widen();
                        }
                    }
                } finally {
                    if (lock) {
                        readLock.unlock();
                    }
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
                    throw new NoSuchElementException("not positioned on an entry");
                }
                return keys[pos];
            }

            @Override
            public Bytes value() {
                if (pos >= count) {
                    throw new NoSuchElementException("not positioned on an entry");
                }
                return values[pos];
            }

            @Override
            public void next() {
                if (pos >= count) {
                    return;
                }
                if (++pos == count && !exhausted) {
                    Bytes last = keys[count - 1];
                    switch (flaw) {
                        case REFILL_REPEATS_LAST_KEY -> fill(Bound.included(last));
                        case REFILL_SKIPS_FIRST_ENTRY -> {
                            fill(Bound.excluded(last));
                            pos = Math.min(1, count);
                        }
                        default -> fill(Bound.excluded(last));
                    }
                }
            }

            @Override
            public void close() {
                count = 0;
                pos = 0;
                exhausted = true;
                if (holdsLock) {
                    holdsLock = false;
                    readLock.unlock();
                }
            }
        }
    }
}
