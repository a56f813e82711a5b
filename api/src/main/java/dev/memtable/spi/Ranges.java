package dev.memtable.spi;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import java.util.NavigableMap;

/**
 * Helpers for backends built on a {@link NavigableMap}: the view of a scan range ({@link Versions}
 * has the cursors over it).
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
}
