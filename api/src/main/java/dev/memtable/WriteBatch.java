package dev.memtable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An ordered group of puts and deletes that a memtable applies atomically with
 * {@link MemTable#write(WriteBatch)}: with a write-ahead log the whole batch is one log record, so
 * after a crash it is recovered entirely or not at all.
 *
 * <p>Entries are applied in the order they were added; a later entry for the same key wins. Every
 * entry is checked when it is added (nulls, {@link MemTable#MAX_KEY_LENGTH},
 * {@link MemTable#MAX_VALUE_LENGTH}, and the batch total {@link #MAX_BATCH_BYTES}), so a batch that
 * was built can always be written; a rejected add leaves the batch as it was.
 *
 * <p>Not thread-safe: build a batch in one thread, then hand it to {@code write}. A batch may be
 * written again or to several tables; writing does not change it.
 */
public final class WriteBatch {

    /**
     * The largest total of key and value bytes one batch may hold (256 MiB), so that its log
     * record stays well within what a reader can validate and allocate.
     */
    public static final long MAX_BATCH_BYTES = 256L * 1024 * 1024;

    /** One entry of a batch; an empty {@code value} is a delete (tombstone). */
    public record Entry(Bytes key, Bytes value) {
        /** @throws NullPointerException if {@code key} or {@code value} is null */
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        /** Returns true if this entry deletes its key. */
        public boolean isDelete() {
            return value.isEmpty();
        }
    }

    private final List<Entry> entries;
    private long payloadBytes;

    /** Creates an empty batch. */
    public WriteBatch() {
        this.entries = new ArrayList<>();
    }

    /**
     * Adds a put of {@code value} under {@code key}. An empty value is a delete.
     *
     * @return this batch
     * @throws NullPointerException naming {@code key} or {@code value} if it is null
     * @throws IllegalArgumentException if the key or value is too long, or the batch would exceed
     *     {@link #MAX_BATCH_BYTES}
     */
    public WriteBatch put(Bytes key, Bytes value) {
        MemTable.checkEntry(key, value);
        long total = payloadBytes + key.length() + value.length();
        if (total > MAX_BATCH_BYTES) {
            throw new IllegalArgumentException("write batch would hold " + total
                    + " bytes of keys and values; the limit is " + MAX_BATCH_BYTES);
        }
        entries.add(new Entry(key, value));
        payloadBytes = total;
        return this;
    }

    /**
     * Adds a delete of {@code key} (a put of the empty value).
     *
     * @return this batch
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException as for {@link #put(Bytes, Bytes)}
     */
    public WriteBatch delete(Bytes key) {
        return put(key, Bytes.EMPTY);
    }

    /** Returns the entries in the order they were added, as an unmodifiable view. */
    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** Returns the number of entries. */
    public int size() {
        return entries.size();
    }

    /** Returns true if the batch holds no entries. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Returns the sum of key and value lengths over all entries. */
    public long payloadBytes() {
        return payloadBytes;
    }

    /** Removes every entry, so the batch can be reused. */
    public void clear() {
        entries.clear();
        payloadBytes = 0;
    }

    @Override
    public String toString() {
        return "WriteBatch[" + entries.size() + " entries, " + payloadBytes + " bytes]";
    }
}
