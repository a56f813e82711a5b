package dev.memtable;

import java.io.Closeable;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A sorted, concurrent, in-memory map from byte keys to byte values: the mutable (or frozen) table
 * at the top of an LSM tree.
 *
 * <h2>Entries and tombstones</h2>
 * A table holds at most one entry per key; {@link #put} overwrites. {@link #delete} does not
 * remove anything: it writes a <em>tombstone</em>, the {@linkplain Bytes#EMPTY empty value}, which
 * must shadow the key in older tables and on disk. Consequently {@link #get} answers in three ways:
 * <ul>
 *   <li>{@code Optional.empty()}: this table knows nothing of the key (look in older tables);</li>
 *   <li>an empty {@code Bytes}: the key was deleted here (stop looking);</li>
 *   <li>a non-empty {@code Bytes}: the key's current value.</li>
 * </ul>
 * A put of the empty value is the same as a delete.
 *
 * <h2>Limits and bad input</h2>
 * Keys may be empty and up to {@link #MAX_KEY_LENGTH} bytes long; values up to
 * {@link #MAX_VALUE_LENGTH}. A null argument throws {@link NullPointerException} naming the
 * parameter; a key or value over its limit throws {@link IllegalArgumentException} naming both
 * sizes; any call on a closed table throws {@link IllegalStateException}. A rejected call changes
 * nothing.
 *
 * <h2>Size</h2>
 * {@link #approximateSize()} grows by {@code key.length() + value.length()} on every put and
 * delete, overwrites included, and never shrinks. It is the trigger for freezing the table, not a
 * measure of heap use.
 *
 * <h2>Thread safety</h2>
 * Every method may be called by any number of threads at once (a backend that cannot do so
 * concurrently for writes says so by not declaring
 * {@link dev.memtable.spi.Capability#CONCURRENT_WRITES}). A write is visible to every read that
 * starts after it returns. Iterators are weakly consistent (see {@link MemTableIterator}).
 *
 * <h2>Durability</h2>
 * A table created with a write-ahead log appends each write (one record per put, delete or batch)
 * to the log <em>before</em> changing memory; if the append fails, the table is unchanged and the
 * caller gets the error as an {@link java.io.UncheckedIOException}. {@link #syncWal()} makes every
 * write accepted before it durable. A table without a log ignores {@code syncWal()}.
 */
public interface MemTable extends Closeable {

    /** The longest key, in bytes: 65,535 (the log stores key lengths in 16 bits). */
    int MAX_KEY_LENGTH = 65_535;

    /** The longest value, in bytes: 16 MiB. */
    int MAX_VALUE_LENGTH = 16 * 1024 * 1024;

    /** Returns the id this table was created with (ids order tables by age in a memtable set). */
    long id();

    /**
     * Maps {@code key} to {@code value}, replacing any earlier entry. An empty value is a delete.
     *
     * @throws NullPointerException naming {@code key} or {@code value} if it is null
     * @throws IllegalArgumentException if the key or value exceeds its limit
     * @throws IllegalStateException if the table is closed
     * @throws java.io.UncheckedIOException if the write-ahead log could not take the write (the
     *     table is then unchanged)
     */
    void put(Bytes key, Bytes value);

    /**
     * Writes a tombstone for {@code key}: same as {@code put(key, Bytes.EMPTY)}.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the key exceeds {@link #MAX_KEY_LENGTH}
     * @throws IllegalStateException if the table is closed
     * @throws java.io.UncheckedIOException if the write-ahead log could not take the write
     */
    void delete(Bytes key);

    /**
     * Applies every entry of {@code batch}, in order. With a write-ahead log the batch is one log
     * record: after a crash it is recovered wholly or not at all. Concurrent batches and puts on
     * overlapping keys are serialised so that the table ends in the state of some serial order.
     * Readers may observe a batch's entries one by one while it is applied; atomic
     * <em>visibility</em> needs sequence-numbered snapshots, which this version does not have. An
     * empty batch does nothing (and writes no log record).
     *
     * @throws NullPointerException if {@code batch} is null
     * @throws IllegalStateException if the table is closed
     * @throws java.io.UncheckedIOException if the write-ahead log could not take the batch (the
     *     table is then unchanged)
     */
    void write(WriteBatch batch);

    /**
     * Looks up {@code key}: empty if this table knows nothing of it, an empty {@code Bytes} if it
     * holds a tombstone, otherwise the value.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalStateException if the table is closed
     */
    Optional<Bytes> get(Bytes key);

    /**
     * Returns an iterator over the entries whose keys lie between {@code lower} and {@code upper},
     * ascending, tombstones included (as empty values). An empty or inverted range gives an empty
     * iterator, not an exception.
     *
     * @throws NullPointerException naming {@code lower} or {@code upper} if it is null (use
     *     {@link Bound#unbounded()} for no limit)
     * @throws IllegalStateException if the table is closed
     */
    MemTableIterator scan(Bound lower, Bound upper);

    /**
     * Returns the sum of key and value lengths of every write ever accepted, overwrites and
     * deletes included; it never shrinks.
     *
     * @throws IllegalStateException if the table is closed
     */
    long approximateSize();

    /**
     * Returns true if the table holds no entry (not even a tombstone).
     *
     * @throws IllegalStateException if the table is closed
     */
    boolean isEmpty();

    /**
     * Returns once every write accepted before this call is on stable storage. Does nothing for a
     * table without a write-ahead log.
     *
     * @throws IOException if the log failed now or earlier (a failed log stays failed)
     * @throws IllegalStateException if the table is closed
     */
    void syncWal() throws IOException;

    /**
     * Seals the table: it takes no more writes. Syncs and closes the write-ahead log (the file
     * stays; whoever owns it deletes it) and releases what only writes need, such as write locks.
     * Afterwards {@code put}, {@code delete} and {@code write} throw {@link IllegalStateException}
     * naming the table; reads, {@link #approximateSize()} and {@link #isEmpty()} answer as before;
     * {@link #syncWal()} returns at once (or throws if the final sync failed); {@link #close()}
     * still closes. Idempotent: a later call does nothing, or throws the same failure again. A
     * write that overlaps {@code seal} either completes before it or fails; a memtable set seals a
     * table only once its writers are done (at a freeze, and every table it recovers), so its
     * frozen tables hold no open log and no write locks.
     *
     * <p><b>Note:</b> the default only syncs the log ({@link #syncWal()}) and does not meet the
     * rest of this contract: writes still work and the log stays open. It exists so that tables
     * written before this method keep compiling; a backend overrides it
     * ({@link dev.memtable.spi.AbstractMemTable} does), and the conformance kit checks it.
     *
     * @throws IOException if the final sync or close of the log failed (the table is sealed all
     *     the same, and its acknowledged writes stay readable)
     * @throws IllegalStateException if the table is closed
     */
    default void seal() throws IOException {
        syncWal();
    }

    /**
     * Closes the table: syncs and closes its write-ahead log (the log file stays) and releases
     * its memory. Idempotent. Afterwards every method but {@code close} and {@link #id()} throws
     * {@link IllegalStateException}.
     *
     * @throws IOException if the final sync or close of the log failed
     */
    @Override
    void close() throws IOException;

    /**
     * The validation every table and {@link WriteBatch} applies to an entry, for backends and
     * wrappers that take entries by other routes.
     *
     * @throws NullPointerException naming {@code key} or {@code value} if it is null
     * @throws IllegalArgumentException naming the size and the limit if either is too long
     */
    static void checkEntry(Bytes key, Bytes value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key is " + key.length()
                    + " bytes; the limit is " + MAX_KEY_LENGTH);
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("value is " + value.length()
                    + " bytes; the limit is " + MAX_VALUE_LENGTH);
        }
    }
}
