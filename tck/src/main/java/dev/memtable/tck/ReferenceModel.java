package dev.memtable.tck;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.WriteBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The obviously correct memtable the rules compare a backend with, as used without sequences (the
 * unversioned writes, the newest reads): a {@link TreeMap} ordered by {@link #UNSIGNED} holding
 * each key's newest value, tombstones kept as empty values, and the size counted as the contract
 * says. {@link VersionModel} is the model of every version.
 *
 * <p>It shares no ordering or range code with the api on purpose: {@link #UNSIGNED} compares byte
 * by byte and {@link #inRange} decides bounds on its own, so a fault in {@code Bytes.compareTo},
 * {@code Bound} or {@code Ranges} shows up as a disagreement instead of being copied into the
 * expected answers.
 *
 * <p>Not thread-safe.
 */
public final class ReferenceModel {

    /**
     * Unsigned lexicographic order, written out byte by byte: the first differing byte decides,
     * read as {@code 0..255}; a proper prefix sorts first.
     */
    public static final Comparator<Bytes> UNSIGNED = ReferenceModel::compareUnsigned;

    private final TreeMap<Bytes, Bytes> map = new TreeMap<>(UNSIGNED);
    private long size;

    /** Creates an empty model. */
    public ReferenceModel() {
    }

    /**
     * Maps {@code key} to {@code value} (empty = tombstone) and counts both lengths plus
     * {@link MemTable#VERSION_BYTES}, as an unversioned write of a table does: it becomes the
     * key's newest version.
     */
    public void put(Bytes key, Bytes value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        map.put(key, value);
        size += (long) key.length() + value.length() + MemTable.VERSION_BYTES;
    }

    /** Writes a tombstone for {@code key}. */
    public void delete(Bytes key) {
        put(key, Bytes.EMPTY);
    }

    /** Applies every entry of {@code batch} in order. */
    public void write(WriteBatch batch) {
        for (WriteBatch.Entry e : batch.entries()) {
            put(e.key(), e.value());
        }
    }

    /** Returns what {@code MemTable.get} must answer: empty, a tombstone or the value. */
    public Optional<Bytes> get(Bytes key) {
        return Optional.ofNullable(map.get(key));
    }

    /** Returns the size {@code MemTable.approximateSize()} must report. */
    public long approximateSize() {
        return size;
    }

    /** Returns true if the model holds no entry, not even a tombstone. */
    public boolean isEmpty() {
        return map.isEmpty();
    }

    /** Returns the number of entries, tombstones included. */
    public int entryCount() {
        return map.size();
    }

    /** Returns every entry in order, tombstones included. */
    public List<Map.Entry<Bytes, Bytes>> entries() {
        return copy(map);
    }

    /** Returns the entries a {@code scan(lower, upper)} must yield, in order. */
    public List<Map.Entry<Bytes, Bytes>> range(Bound lower, Bound upper) {
        Bytes lo = lower.keyOrNull();
        Bytes hi = upper.keyOrNull();
        if (lo != null && hi != null) {
            int c = UNSIGNED.compare(lo, hi);
            if (c > 0 || (c == 0 && !(lower.isInclusive() && upper.isInclusive()))) {
                return List.of();
            }
        }
        NavigableMap<Bytes, Bytes> view = map;
        if (lo != null) {
            view = view.tailMap(lo, lower instanceof Bound.Included);
        }
        if (hi != null) {
            view = view.headMap(hi, upper instanceof Bound.Included);
        }
        return copy(view);
    }

    /**
     * Returns true if {@code key} lies between {@code lower} and {@code upper}, decided here
     * without the api's {@code Bound} helpers.
     */
    public static boolean inRange(Bytes key, Bound lower, Bound upper) {
        boolean aboveLower;
        if (lower instanceof Bound.Included b) {
            aboveLower = UNSIGNED.compare(key, b.key()) >= 0;
        } else if (lower instanceof Bound.Excluded b) {
            aboveLower = UNSIGNED.compare(key, b.key()) > 0;
        } else {
            aboveLower = true;
        }
        boolean belowUpper;
        if (upper instanceof Bound.Included b) {
            belowUpper = UNSIGNED.compare(key, b.key()) <= 0;
        } else if (upper instanceof Bound.Excluded b) {
            belowUpper = UNSIGNED.compare(key, b.key()) < 0;
        } else {
            belowUpper = true;
        }
        return aboveLower && belowUpper;
    }

    private static int compareUnsigned(Bytes a, Bytes b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            int x = a.byteAt(i) & 0xff;
            int y = b.byteAt(i) & 0xff;
            if (x != y) {
                return x < y ? -1 : 1;
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    private static List<Map.Entry<Bytes, Bytes>> copy(Map<Bytes, Bytes> m) {
        List<Map.Entry<Bytes, Bytes>> out = new ArrayList<>(m.size());
        for (Map.Entry<Bytes, Bytes> e : m.entrySet()) {
            out.add(Map.entry(e.getKey(), e.getValue()));
        }
        return out;
    }
}
