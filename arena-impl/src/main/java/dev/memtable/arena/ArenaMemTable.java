package dev.memtable.arena;

import static dev.memtable.arena.Arena.NIL;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.AbstractMemTable;

/**
 * A memtable on an {@link ArenaSkipList}. {@link AbstractMemTable} does the checks, the size
 * accounting, batches and the log; this class only maps the {@code do…} hooks onto the list and
 * drops the list on close.
 *
 * <p>Every operation reads the volatile {@link #list} once and works on that list to the end, so
 * an operation that passed the closed check just before {@link #close()} completes on memory that
 * is still reachable (from that operation); nothing can read freed memory, because on-heap
 * chunks are freed by the garbage collector only once no reference to them remains. After close,
 * a hook that finds the list gone throws {@link IllegalStateException}.
 */
final class ArenaMemTable extends AbstractMemTable {

    /** The entries; null once closed, so that the chunks can be collected. */
    private volatile ArenaSkipList list;

    ArenaMemTable(long id, Arena arena) {
        super(id);
        this.list = new ArenaSkipList(arena);
    }

    @Override
    protected void doPut(Bytes key, Bytes value) {
        list().put(key, value);
    }

    @Override
    protected Bytes doGet(Bytes key) {
        return list().get(key);
    }

    @Override
    protected MemTableIterator doScan(Bound lower, Bound upper) {
        return new ArenaIterator(this, lower, upper);
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
     * A weakly consistent cursor over level 0 of the list. It holds the current node's address
     * and the value word read when it arrived there, and looks the list up through the table
     * at every step, so an iterator that outlives its table does not keep the chunks reachable.
     * Keys come strictly ascending and never twice (nodes are never removed or moved, and level 0
     * is sorted); the value is the one current when the cursor reached the node.
     */
    private static final class ArenaIterator implements MemTableIterator {
        private final ArenaMemTable table;
        /** The upper bound's key (a private copy), or null if unbounded. */
        private final byte[] upperKey;
        private final long upperPrefix;
        private final boolean upperInclusive;
        private int node;
        private long valueWord;

        ArenaIterator(ArenaMemTable table, Bound lower, Bound upper) {
            this.table = table;
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
        public void next() {
            if (node != NIL) {
                ArenaSkipList l = table.list();
                moveTo(l, l.next(node));
            }
        }

        @Override
        public void close() {
            node = NIL;
        }

        private void moveTo(ArenaSkipList l, int candidate) {
            if (candidate != NIL && upperKey != null) {
                int cmp = l.compareKey(candidate, upperKey, upperKey.length, upperPrefix);
                if (cmp > 0 || cmp == 0 && !upperInclusive) {
                    candidate = NIL;
                }
            }
            node = candidate;
            valueWord = candidate == NIL ? ArenaSkipList.TOMBSTONE : l.value(candidate);
        }
    }
}
