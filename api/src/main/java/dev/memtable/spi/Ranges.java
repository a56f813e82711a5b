package dev.memtable.spi;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;

/**
 * Helpers for backends built on a {@link NavigableMap}: the view of a scan range, and a cursor
 * over it.
 */
public final class Ranges {

    private Ranges() {
    }

    /**
     * Returns the view of {@code map} between {@code lower} and {@code upper}. The range must not
     * be empty or inverted (see {@link Bound#isEmptyRange}); {@link AbstractMemTable} answers those
     * before it asks the backend.
     *
     * @throws IllegalArgumentException if the range is inverted (from the map)
     */
    public static <V> NavigableMap<Bytes, V> view(NavigableMap<Bytes, V> map, Bound lower,
                                                  Bound upper) {
        if (lower.isUnbounded()) {
            return upper.isUnbounded() ? map : map.headMap(upper.keyOrNull(), upper.isInclusive());
        }
        if (upper.isUnbounded()) {
            return map.tailMap(lower.keyOrNull(), lower.isInclusive());
        }
        return map.subMap(lower.keyOrNull(), lower.isInclusive(),
                upper.keyOrNull(), upper.isInclusive());
    }

    /**
     * Returns a cursor over the entries of {@code map} between the bounds: the map's own entry
     * iterator adapted to {@link MemTableIterator}, so it is as consistent as that iterator (weakly
     * consistent for a {@link java.util.concurrent.ConcurrentSkipListMap}; a plain map must not be
     * changed while it is used). The range must not be empty or inverted, as for
     * {@link #view}.
     */
    public static MemTableIterator scan(NavigableMap<Bytes, Bytes> map, Bound lower, Bound upper) {
        return new EntryCursor(view(map, lower, upper).entrySet().iterator());
    }

    /** Adapts an entry iterator to the cursor style: positioned on the first entry at once. */
    private static final class EntryCursor implements MemTableIterator {
        private final Iterator<Map.Entry<Bytes, Bytes>> entries;
        private Map.Entry<Bytes, Bytes> current;

        EntryCursor(Iterator<Map.Entry<Bytes, Bytes>> entries) {
            this.entries = entries;
            this.current = entries.hasNext() ? entries.next() : null;
        }

        @Override
        public boolean isValid() {
            return current != null;
        }

        @Override
        public Bytes key() {
            return entry().getKey();
        }

        @Override
        public Bytes value() {
            return entry().getValue();
        }

        private Map.Entry<Bytes, Bytes> entry() {
            Map.Entry<Bytes, Bytes> e = current;
            if (e == null) {
                throw new NoSuchElementException(
                        "iterator is not positioned on an entry (isValid() is false)");
            }
            return e;
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
