package dev.memtable.tck;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.WriteBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The obviously correct model of a table's versions that the sequence rules compare a backend
 * with: for each key (ordered by {@link ReferenceModel#UNSIGNED}) a map from sequence to value,
 * tombstones kept as empty values, the size and the sequence counters counted as the contract
 * says. It decides bounds with {@link ReferenceModel#inRange}, not with the api's helpers.
 *
 * <p>Not thread-safe.
 */
public final class VersionModel {

    /**
     * One version as a reader sees it: from {@code versions()}, or the visible version of a key
     * from a scan at a sequence.
     *
     * @param key the key
     * @param sequence the version's sequence
     * @param value the value; empty for a tombstone
     */
    public record Version(Bytes key, long sequence, Bytes value) {

        /** Checks that no component is null. */
        public Version {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return key + "@" + sequence + "=" + (value.isEmpty() ? "tombstone" : value);
        }
    }

    private final TreeMap<Bytes, TreeMap<Long, Bytes>> keys = new TreeMap<>(ReferenceModel.UNSIGNED);
    private long size;
    private long taken;
    private long last;

    /** Creates an empty model. */
    public VersionModel() {
    }

    /**
     * Writes the version {@code (key, sequence) -> value} (empty = tombstone), replacing a version
     * of the key with the same sequence, and counts it in the size.
     *
     * @throws IllegalArgumentException if {@code sequence} is not a write sequence
     */
    public void put(Bytes key, Bytes value, long sequence) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        MemTable.checkWriteSequence(sequence);
        keys.computeIfAbsent(key, k -> new TreeMap<>(Collections.reverseOrder()))
                .put(sequence, value);
        size += (long) key.length() + value.length() + MemTable.VERSION_BYTES;
        taken = Math.max(taken, sequence);
        last = Math.max(last, sequence);
    }

    /** Writes a tombstone version of {@code key} at {@code sequence}. */
    public void delete(Bytes key, long sequence) {
        put(key, Bytes.EMPTY, sequence);
    }

    /** Applies every entry of {@code batch} at {@code sequence}, in order (the last one wins). */
    public void write(WriteBatch batch, long sequence) {
        for (WriteBatch.Entry e : batch.entries()) {
            put(e.key(), e.value(), sequence);
        }
    }

    /**
     * Returns the sequence an unversioned write takes now (one above every sequence taken or
     * written) and takes it.
     */
    public long takeNext() {
        return ++taken;
    }

    /** Returns what {@code get(key, sequence)} must answer. */
    public Optional<Bytes> get(Bytes key, long sequence) {
        TreeMap<Long, Bytes> versions = keys.get(key);
        if (versions == null) {
            return Optional.empty();
        }
        Map.Entry<Long, Bytes> visible = versions.ceilingEntry(sequence);
        return visible == null ? Optional.empty() : Optional.of(visible.getValue());
    }

    /** Returns what {@code scan(lower, upper, sequence)} must yield, in order. */
    public List<Version> scan(Bound lower, Bound upper, long sequence) {
        List<Version> out = new ArrayList<>();
        for (Map.Entry<Bytes, TreeMap<Long, Bytes>> e : keys.entrySet()) {
            if (ReferenceModel.inRange(e.getKey(), lower, upper)) {
                Map.Entry<Long, Bytes> visible = e.getValue().ceilingEntry(sequence);
                if (visible != null) {
                    out.add(new Version(e.getKey(), visible.getKey(), visible.getValue()));
                }
            }
        }
        return out;
    }

    /** Returns what {@code versions(lower, upper)} must yield, in order. */
    public List<Version> versions(Bound lower, Bound upper) {
        List<Version> out = new ArrayList<>();
        for (Map.Entry<Bytes, TreeMap<Long, Bytes>> e : keys.entrySet()) {
            if (ReferenceModel.inRange(e.getKey(), lower, upper)) {
                e.getValue().forEach((s, v) -> out.add(new Version(e.getKey(), s, v)));
            }
        }
        return out;
    }

    /** Returns every version, in the order of {@code versions()}. */
    public List<Version> versions() {
        return versions(Bound.unbounded(), Bound.unbounded());
    }

    /** Returns what {@code lastSequence()} must answer. */
    public long lastSequence() {
        return last;
    }

    /** Returns what {@code approximateSize()} must answer. */
    public long approximateSize() {
        return size;
    }

    /** Returns true if the model holds no version. */
    public boolean isEmpty() {
        return keys.isEmpty();
    }
}
