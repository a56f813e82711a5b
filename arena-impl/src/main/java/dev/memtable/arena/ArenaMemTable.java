package dev.memtable.arena;

import static dev.memtable.arena.Arena.NIL;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.ByteArrays;

/**
 * A memtable on an {@link ArenaSkipList}. {@link AbstractMemTable} does the checks, the size
 * accounting, sequence numbers, batches and the log; this class only maps the {@code do…} hooks
 * onto the list (one node per version, ordered by key ascending and sequence descending), runs
 * the iterators over its level 0, and drops the list on close.
 *
 * <p>Every operation reads the volatile {@link #list} once and works on that list to the end, so
 * an operation that passed the closed check just before {@link #close()} completes on memory that
 * is still reachable (from that operation); nothing can read freed memory, because on-heap
 * chunks are freed by the garbage collector only once no reference to them remains. After close,
 * a hook that finds the list gone throws {@link IllegalStateException}.
 */
final class ArenaMemTable extends AbstractMemTable {

    /** The read sequence of an iterator over every version ({@link #doVersions}). */
    private static final long ALL_VERSIONS = -1;

    /** The entries; null once closed, so that the chunks can be collected. */
    private volatile ArenaSkipList list;

    ArenaMemTable(long id, Arena arena) {
        super(id);
        this.list = new ArenaSkipList(arena);
    }

    @Override
    protected void doPut(Bytes key, Bytes value, long sequence) {
        list().put(key, value, sequence);
    }

    @Override
    protected Bytes doGet(Bytes key, long sequence) {
        // The key's fields are read here, in a method small enough to inline into the caller,
        // so a Bytes made for this call goes no further and is scalar-replaced (the list's get
        // is too big to inline there; passing the Bytes to it made every hit allocate it).
        return list().get(ByteArrays.array(key), ByteArrays.offset(key), key.length(), sequence);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Walks level 0 of the list: for each key, yields its first version at or below
     * {@code sequence} and skips the key's remaining versions, which are adjacent; a key whose
     * versions are all above {@code sequence} is passed over.
     */
    @Override
    protected MemTableIterator doScan(Bound lower, Bound upper, long sequence) {
        return new ArenaIterator(this, lower, upper, sequence);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Walks level 0 of the list, which holds exactly this order.
     */
    @Override
    protected MemTableIterator doVersions(Bound lower, Bound upper) {
        return new ArenaIterator(this, lower, upper, ALL_VERSIONS);
    }

    @Override
    protected boolean doIsEmpty() {
        return list().isEmpty();
    }

    @Override
    protected void doClose() {
        list = null;
    }

    /**
     * Returns the list, or throws if the table was closed.
     *
     * @throws IllegalStateException if the table is closed
     */
    ArenaSkipList list() {
        ArenaSkipList l = list;
        if (l == null) {
            throw new IllegalStateException("memtable " + id() + " is closed");
        }
        return l;
    }

    /**
     * A weakly consistent cursor over level 0 of the list, either over every version or over the
     * version of each key visible at a read sequence. It holds the current node's address and the
     * value word read when it arrived there, and looks the list up through the table at every
     * step, so an iterator that outlives its table does not keep the chunks reachable. Internal
     * keys come strictly ascending and never twice (nodes are never removed or moved, and level 0
     * is sorted); the value is the one current when the cursor reached the node.
     *
     * <p>At a read sequence, after yielding a version the cursor skips every following node with
     * the same key bytes (compared with the node it just yielded), so each key comes once even if
     * an older version is inserted behind the cursor meanwhile; a node above the read sequence is
     * passed over.
     */
    private static final class ArenaIterator implements MemTableIterator {
        private final ArenaMemTable table;
        /** The upper bound's key (a private copy), or null if unbounded. */
        private final byte[] upperKey;
        private final long upperPrefix;
        private final boolean upperInclusive;
        /** The read sequence, or {@link #ALL_VERSIONS}. */
        private final long readSequence;
        private int node;
        private long valueWord;

        /**
         * Positions the cursor on the first entry in range.
         *
         * @param readSequence the read sequence ({@code >= 0}), or {@link #ALL_VERSIONS}
         */
        ArenaIterator(ArenaMemTable table, Bound lower, Bound upper, long readSequence) {
            this.table = table;
            this.readSequence = readSequence;
            Bytes upperBound = upper.keyOrNull();
            this.upperKey = upperBound == null ? null : upperBound.toByteArray();
            this.upperPrefix = upperKey == null ? 0
                    : ArenaSkipList.prefix(upperKey, upperKey.length);
            this.upperInclusive = upper.isInclusive();
            ArenaSkipList l = table.list();
            Bytes lowerKey = lower.keyOrNull();
            moveTo(l, lowerKey == null ? l.first() : l.seek(lowerKey, lower.isInclusive()));
        }

        @Override
        public boolean isValid() {
            return node != NIL;
        }

        @Override
        public Bytes key() {
            if (node == NIL) {
                throw noCurrentEntry();
            }
            return table.list().key(node);
        }

        @Override
        public Bytes value() {
            if (node == NIL) {
                throw noCurrentEntry();
            }
            return table.list().valueBytes(valueWord);
        }

        @Override
        public long sequence() {
            if (node == NIL) {
                throw noCurrentEntry();
            }
            return table.list().sequence(node);
        }

        @Override
        public void next() {
            if (node != NIL) {
                ArenaSkipList l = table.list();
                int candidate = l.next(node);
                if (readSequence != ALL_VERSIONS) {
                    // The rest of this key's versions: adjacent, and all older than the one
                    // yielded (or inserted since, behind it in the order).
                    while (candidate != NIL && l.sameKey(candidate, node)) {
                        candidate = l.next(candidate);
                    }
                }
                moveTo(l, candidate);
            }
        }

        @Override
        public void close() {
            node = NIL;
        }

        /**
         * Settles on {@code candidate} or the first node after it that is in range and, at a
         * read sequence, visible (a node above the read sequence is passed over: the key's next
         * version, or the next key, follows it); on {@link Arena#NIL} past the upper bound.
         */
        private void moveTo(ArenaSkipList l, int candidate) {
            while (candidate != NIL) {
                if (upperKey != null) {
                    int cmp = l.compareKey(candidate, upperKey, upperKey.length, upperPrefix);
                    if (cmp > 0 || cmp == 0 && !upperInclusive) {
                        candidate = NIL;
                        break;
                    }
                }
                if (readSequence == ALL_VERSIONS || l.sequence(candidate) <= readSequence) {
                    break;
                }
                candidate = l.next(candidate);
            }
            node = candidate;
            valueWord = candidate == NIL ? ArenaSkipList.TOMBSTONE : l.value(candidate);
        }
    }
}
