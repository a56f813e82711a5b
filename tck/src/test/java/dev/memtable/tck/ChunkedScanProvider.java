package dev.memtable.tck;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.AbstractMemTableProvider;
import dev.memtable.spi.Capability;
import dev.memtable.spi.Ranges;
import dev.memtable.spi.Versions;
import dev.memtable.spi.Versions.Version;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Backends for the self-test in the manner of the tree-map backend: a {@link TreeMap} from each key
 * to its chain of versions ({@link Versions}) behind a read-write lock, whose scans copy up to
 * {@link #CHUNK} keys (with the visible version of each, or all of its versions) per hold of the
 * read lock and re-seek after the last key read. Correct, or with exactly one deliberate
 * {@link Flaw}: the bugs one plants in a copy of {@code TreeMapMemTable}.
 */
final class ChunkedScanProvider extends AbstractMemTableProvider {

    /** Keys copied per hold of the read lock (all versions of each, for versions()). */
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
                + "iterator, to save allocations."),
        SCAN_IGNORES_SEQUENCE("A scan at a sequence copies the newest version of each key (the "
                + "scan written before versions, its new sequence parameter unused)."),
        VERSIONS_OLDEST_FIRST("versions() copies each key's versions oldest first (the chain "
                + "is walked into a stack and the stack copied from the bottom).");

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
        private final TreeMap<Bytes, Version> map = new TreeMap<>();
        private final Lock readLock;
        private final Lock writeLock;
        private Bytes[] sharedKeys = new Bytes[CHUNK];
        private Bytes[] sharedValues = new Bytes[CHUNK];
        private long[] sharedSequences = new long[CHUNK];
        private final RaceWindow window = new RaceWindow();

        Table(long id, Flaw flaw) {
            super(id);
            this.flaw = flaw;
            ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
            this.readLock = rw.readLock();
            this.writeLock = rw.writeLock();
        }

        @Override
        protected void doPut(Bytes key, Bytes value, long sequence) {
            if (flaw == Flaw.COPIES_WITHOUT_READ_LOCK) {
                window.widen();
            }
            writeLock.lock();
            try {
                Versions.put(map, key, value, sequence);
            } finally {
                writeLock.unlock();
            }
        }

        @Override
        protected Bytes doGet(Bytes key, long sequence) {
            readLock.lock();
            try {
                return Versions.get(map, key, sequence);
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

        /**
         * Reads the range a chunk of keys at a time, re-seeking after the last key read: the
         * version visible at a sequence of each key, or every version.
         */
        private final class ChunkedIterator implements MemTableIterator {
            private final Bound upper;
            private final long sequence;
            private final boolean allVersions;
            private final boolean shared = flaw == Flaw.CHUNK_ARRAYS_SHARED_BY_ITERATORS;
            private Bytes[] keys;
            private Bytes[] values;
            private long[] sequences;
            private int count;
            private int pos;
            private boolean exhausted;
            private boolean holdsLock;
            /** The last key read (visible or not): the next chunk starts after it. */
            private Bytes lastKeyRead;

            ChunkedIterator(Bound lower, Bound upper, long sequence, boolean allVersions) {
                this.upper = upper;
                this.sequence = sequence;
                this.allVersions = allVersions;
                this.keys = shared ? sharedKeys : new Bytes[CHUNK];
                this.values = shared ? sharedValues : new Bytes[CHUNK];
                this.sequences = shared ? sharedSequences : new long[CHUNK];
                if (flaw == Flaw.ITERATOR_HOLDS_READ_LOCK) {
                    readLock.lock();
                    holdsLock = true;
                }
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
                    boolean lock = flaw != Flaw.COPIES_WITHOUT_READ_LOCK && !holdsLock;
                    if (lock) {
                        readLock.lock();
                    }
                    try {
                        for (Map.Entry<Bytes, Version> e
                                : Ranges.view(map, from, upper).entrySet()) {
                            if (keysRead == CHUNK) {
                                more = true;
                                break;
                            }
                            keysRead++;
                            lastKeyRead = e.getKey();
                            Version v = e.getValue();
                            if (allVersions) {
                                addAll(lastKeyRead, v);
                            } else if (flaw == Flaw.SCAN_IGNORES_SEQUENCE) {
                                add(lastKeyRead, v);
                            } else if ((v = v.visibleAt(sequence)) != null) {
                                add(lastKeyRead, v);
                            }
                            if (!lock && keysRead % 16 == 0) {
                                window.widen();
                            }
                        }
                    } finally {
                        if (lock) {
                            readLock.unlock();
                        }
                    }
                    exhausted = !more;
                    if (exhausted) {
                        return;
                    }
                    from = Bound.excluded(lastKeyRead);
                }
            }

            private void addAll(Bytes key, Version head) {
                if (flaw != Flaw.VERSIONS_OLDEST_FIRST) {
                    for (Version v = head; v != null; v = v.older()) {
                        add(key, v);
                    }
                    return;
                }
                java.util.ArrayDeque<Version> stack = new java.util.ArrayDeque<>();
                for (Version v = head; v != null; v = v.older()) {
                    stack.push(v);
                }
                while (!stack.isEmpty()) {
                    add(key, stack.pop());
                }
            }

            private void add(Bytes key, Version v) {
                if (count == keys.length) {
                    keys = Arrays.copyOf(keys, count * 2);
                    values = Arrays.copyOf(values, count * 2);
                    sequences = Arrays.copyOf(sequences, count * 2);
                    if (shared) {
                        sharedKeys = keys;
                        sharedValues = values;
                        sharedSequences = sequences;
                    }
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
                check();
                return keys[pos];
            }

            @Override
            public Bytes value() {
                check();
                return values[pos];
            }

            @Override
            public long sequence() {
                check();
                return sequences[pos];
            }

            private void check() {
                if (pos >= count) {
                    throw new NoSuchElementException("not positioned on an entry");
                }
            }

            @Override
            public void next() {
                if (pos >= count) {
                    return;
                }
                if (++pos == count && !exhausted) {
                    switch (flaw) {
                        case REFILL_REPEATS_LAST_KEY -> fill(Bound.included(lastKeyRead));
                        case REFILL_SKIPS_FIRST_ENTRY -> {
                            fill(Bound.excluded(lastKeyRead));
                            pos = Math.min(1, count);
                        }
                        default -> fill(Bound.excluded(lastKeyRead));
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
