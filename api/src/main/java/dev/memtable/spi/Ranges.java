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

    /**
     * Adapts an entry iterator to the cursor style: positioned on the first entry at once. Keeps
     * the key and value, not the entry, so the map's entry objects need not escape.
     */
    private static final class EntryCursor implements MemTableIterator {
        private final Iterator<Map.Entry<Bytes, Bytes>> entries;
        private Bytes key;
        private Bytes value;

        EntryCursor(Iterator<Map.Entry<Bytes, Bytes>> entries) {
            this.entries = entries;
            advance();
        }

        private void advance() {
            if (entries.hasNext()) {
                Map.Entry<Bytes, Bytes> e = entries.next();
                key = e.getKey();
                value = e.getValue();
            } else {
                key = null;
                value = null;
            }
        }

        @Override
        public boolean isValid() {
            return key != null;
        }

        @Override
        public Bytes key() {
            check();
            return key;
        }

        @Override
        public Bytes value() {
            check();
            return value;
        }

        private void check() {
            if (key == null) {
                throw new NoSuchElementException(
                        "iterator is not positioned on an entry (isValid() is false)");
            }
        }

        @Override
        public void next() {
            if (key != null) {
                advance();
            }
        }

        @Override
        public void close() {
            key = null;
            value = null;
        }
    }
}
