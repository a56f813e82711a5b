package dev.memtable.spi;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import java.util.NavigableMap;

/**
 * Helpers for backends built on a {@link NavigableMap}: the view of a scan range, over a map keyed
 * by {@link Bytes} or by {@code byte[]} ({@link Versions} has the cursors over it).
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
     * The view of a map keyed by {@code byte[]} (ordered by {@link Versions#KEY_ORDER}) between
     * {@code lower} and {@code upper}: {@link #view} with each bound's key as
     * {@link ByteArrays#exact} (its array, or a copy of a slice). Same precondition.
     *
     * @throws IllegalArgumentException if the range is inverted (from the map)
     */
    public static <V> NavigableMap<byte[], V> arrayView(NavigableMap<byte[], V> map,
                                                        Bound lower, Bound upper) {
        if (lower.isUnbounded()) {
            return upper.isUnbounded() ? map
                    : map.headMap(ByteArrays.exact(upper.keyOrNull()), upper.isInclusive());
        }
        byte[] from = ByteArrays.exact(lower.keyOrNull());
        if (upper.isUnbounded()) {
            return map.tailMap(from, lower.isInclusive());
        }
        return map.subMap(from, lower.isInclusive(),
                ByteArrays.exact(upper.keyOrNull()), upper.isInclusive());
    }
}
