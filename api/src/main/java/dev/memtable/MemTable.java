package dev.memtable;

import java.io.Closeable;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A sorted, concurrent, in-memory map from byte keys to <em>versioned</em> byte values: the mutable
 * (or frozen) table at the top of an LSM tree.
 *
 * <h2>Versions and sequence numbers</h2>
 * Every write is a new <em>version</em> of its key, stamped with a <em>sequence number</em>: a
 * {@code long} from 1 to {@link #MAX_SEQUENCE}. Nothing is overwritten in place; superseded
 * versions stay until the table is dropped. Reading <em>at</em> sequence {@code s} sees, for each
 * key, the newest version whose sequence is {@code <= s}; versions above {@code s} are invisible,
 * as if not yet written. This is what lets a memtable set give readers a consistent snapshot while
 * writers go on, and what lets an engine replay logs and sorted files in a well-defined order.
 * <ul>
 *   <li><b>Two ways to write.</b> An engine that assigns sequences itself (as RocksDB's write path
 *       does) calls {@link #put(Bytes, Bytes, long)}, {@link #delete(Bytes, long)} and
 *       {@link #write(WriteBatch, long)}. The unversioned {@link #put(Bytes, Bytes)},
 *       {@link #delete(Bytes)} and {@link #write(WriteBatch)} take the next sequence themselves:
 *       one above every sequence taken by this table before, atomically, so that used alone they
 *       behave exactly as a map with overwrites.</li>
 *   <li><b>Out-of-order arrival.</b> Writes may arrive in any sequence order (two writers take 10
 *       and 11 from a counter, 11 lands first): the newest version of a key is the one with the
 *       highest sequence, never the last one inserted.</li>
 *   <li><b>Same key, same sequence.</b> Writing a {@code (key, sequence)} the table already holds
 *       replaces that version's value (in a batch, the key's last entry wins).</li>
 *   <li><b>Two ways to read.</b> {@link #get(Bytes, long)} and {@link #scan(Bound, Bound, long)}
 *       read at a sequence; {@link #get(Bytes)} and {@link #scan(Bound, Bound)} read the newest
 *       versions (at {@link Long#MAX_VALUE}). {@link #versions(Bound, Bound)} yields every version,
 *       for a flush that must keep the versions open snapshots still see.</li>
 *   <li>{@link #lastSequence()} is the highest sequence the table holds.</li>
 * </ul>
 * A write sequence outside {@code 1 .. MAX_SEQUENCE}, or a negative read sequence, throws
 * {@link IllegalArgumentException} and changes nothing. Sequence 0 is "before every write":
 * reading at 0 sees nothing.
 *
 * <h2>Tombstones</h2>
 * {@link #delete} does not remove anything: it writes a version whose value is the
 * {@linkplain Bytes#EMPTY empty value}, a <em>tombstone</em>, which hides the older versions of the
 * key here and must shadow the key in older tables and on disk. Consequently {@link #get} answers in
 * three ways:
 * <ul>
 *   <li>{@code Optional.empty()}: this table has no version of the key visible at the sequence
 *       (look in older tables);</li>
 *   <li>an empty {@code Bytes}: the visible version is a tombstone (deleted here: stop looking);</li>
 *   <li>a non-empty {@code Bytes}: the key's value at the sequence.</li>
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
 * {@link #approximateSize()} grows by {@code key.length() + value.length() + }{@link #VERSION_BYTES}
 * on every put and delete (each entry of a batch counts as one), overwrites of a key included,
 * and never shrinks. It is the trigger for freezing the table, not a measure of heap use.
 *
 * <h2>Thread safety and visibility</h2>
 * Every method may be called by any number of threads at once (a backend that cannot do so
 * concurrently for writes says so by not declaring
 * {@link dev.memtable.spi.Capability#CONCURRENT_WRITES}). A write is visible to every read that
 * starts after it returns (at a sequence at or above the write's). While a batch is being applied a
 * reader of the <em>newest</em> versions may see some of its entries and not others; a reader at a
 * sequence below the batch's sees none of them, so atomic visibility comes from reading at a
 * sequence that is only published once the batch is applied (a memtable set does exactly that).
 * Iterators are weakly consistent (see {@link MemTableIterator}).
 *
 * <h2>Durability</h2>
 * A table created with a write-ahead log appends each write, with its sequence (one record per put,
 * delete or batch), to the log <em>before</em> changing memory; if the append fails, the table is
 * unchanged and the caller gets the error as an {@link java.io.UncheckedIOException}. Recovery
 * rebuilds every version with its own sequence. {@link #syncWal()} makes every write accepted
 * before it durable. A table without a log ignores {@code syncWal()}.
 */
public interface MemTable extends Closeable {

    /** The longest key, in bytes: 65,535 (the log stores key lengths in 16 bits). */
    int MAX_KEY_LENGTH = 65_535;

    /** The longest value, in bytes: 16 MiB. */
    int MAX_VALUE_LENGTH = 16 * 1024 * 1024;

    /**
     * The highest sequence number a write may carry: 2<sup>56</sup> - 1, as RocksDB's, which
     * leaves the top byte of a {@code long} free for a backend to pack a kind beside it. At a
     * million writes a second it lasts over two thousand years.
     */
    long MAX_SEQUENCE = (1L << 56) - 1;

    /**
     * What {@link #approximateSize()} counts for a version beyond its key and value: the 8 bytes
     * of its sequence number.
     */
    int VERSION_BYTES = Long.BYTES;

    /** Returns the id this table was created with (ids order tables by age in a memtable set). */
    long id();

    /**
     * Writes a new version of {@code key} with {@code value} at the next sequence, taken
     * atomically: one above every sequence this table has taken or been written at (so
     * {@link #lastSequence()} + 1 unless a write the log refused used a sequence up, or writes are
     * in flight). It becomes the key's newest version. An empty value is a delete.
     *
     * @throws NullPointerException naming {@code key} or {@code value} if it is null
     * @throws IllegalArgumentException if the key or value exceeds its limit
     * @throws IllegalStateException if the table is closed
     * @throws java.io.UncheckedIOException if the write-ahead log could not take the write (the
     *     table is then unchanged)
     * @throws IllegalStateException also if the table has already taken or been written at
     *     {@link #MAX_SEQUENCE}: there is no next sequence (nothing changes)
     */
    void put(Bytes key, Bytes value);

    /**
     * Writes a version of {@code key} with {@code value} at {@code sequence}. It is the key's
     * newest version only if no version with a higher sequence exists; a version with the same
     * sequence is replaced. An empty value is a tombstone.
     *
     * @throws NullPointerException naming {@code key} or {@code value} if it is null
     * @throws IllegalArgumentException if the key or value exceeds its limit, or
     *     {@code sequence} is not in {@code 1 .. MAX_SEQUENCE}
     * @throws IllegalStateException if the table is closed
     * @throws java.io.UncheckedIOException if the write-ahead log could not take the write (the
     *     table is then unchanged)
     */
    void put(Bytes key, Bytes value, long sequence);

    /**
     * Writes a tombstone version of {@code key} at {@code sequence}: same as
     * {@code put(key, Bytes.EMPTY, sequence)}.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the key exceeds {@link #MAX_KEY_LENGTH}, or
     *     {@code sequence} is not in {@code 1 .. MAX_SEQUENCE}
     * @throws IllegalStateException if the table is closed
     * @throws java.io.UncheckedIOException if the write-ahead log could not take the write
     */
    void delete(Bytes key, long sequence);

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
     * Applies every entry of {@code batch} at one new sequence, taken as {@link #put(Bytes, Bytes)}
     * takes it, as {@link #write(WriteBatch, long)} does. An empty batch does nothing (it takes
     * no sequence and writes no log record).
     *
     * @throws NullPointerException if {@code batch} is null
     * @throws IllegalStateException if the table is closed
     * @throws java.io.UncheckedIOException if the write-ahead log could not take the batch (the
     *     table is then unchanged)
     */
    void write(WriteBatch batch);

    /**
     * Applies every entry of {@code batch} as a version at {@code sequence}, the same for all of
     * them; a key the batch holds twice gets its last entry. With a write-ahead log the batch is
     * one log record: after a crash it is recovered wholly or not at all. A reader at a sequence
     * below {@code sequence} sees none of it; a reader of the newest versions may see its entries
     * one by one while it is applied. An empty batch does nothing (and writes no log record).
     *
     * @throws NullPointerException if {@code batch} is null
     * @throws IllegalArgumentException if {@code sequence} is not in {@code 1 .. MAX_SEQUENCE}
     * @throws IllegalStateException if the table is closed
     * @throws java.io.UncheckedIOException if the write-ahead log could not take the batch (the
     *     table is then unchanged)
     */
    void write(WriteBatch batch, long sequence);

    /**
     * Looks up the newest version of {@code key}: empty if this table knows nothing of it, an
     * empty {@code Bytes} if that version is a tombstone, otherwise its value. Same as
     * {@code get(key, Long.MAX_VALUE)}.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalStateException if the table is closed
     */
    Optional<Bytes> get(Bytes key);

    /**
     * Looks up the version of {@code key} visible at {@code sequence}, the one with the highest
     * sequence {@code <= sequence}: empty if there is none, an empty {@code Bytes} if it is a
     * tombstone, otherwise its value.
     *
     * @param sequence the read sequence; 0 sees nothing, {@link Long#MAX_VALUE} the newest
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code sequence} is negative
     * @throws IllegalStateException if the table is closed
     */
    Optional<Bytes> get(Bytes key, long sequence);

    /**
     * Returns an iterator over the newest version of every key between {@code lower} and
     * {@code upper}, ascending, tombstones included (as empty values); same as
     * {@code scan(lower, upper, Long.MAX_VALUE)}. An empty or inverted range gives an empty
     * iterator, not an exception.
     *
     * @throws NullPointerException naming {@code lower} or {@code upper} if it is null (use
     *     {@link Bound#unbounded()} for no limit)
     * @throws IllegalStateException if the table is closed
     */
    MemTableIterator scan(Bound lower, Bound upper);

    /**
     * Returns an iterator over the version visible at {@code sequence} of every key between the
     * bounds: keys ascending, each once, tombstones included; a key with no version at or below
     * {@code sequence} is left out. {@link MemTableIterator#sequence()} gives each entry's
     * version. Versions written above {@code sequence} while the scan runs are never seen, so a
     * scan at a sequence that no write in flight can fall under is a consistent snapshot.
     *
     * @throws NullPointerException naming {@code lower} or {@code upper} if it is null
     * @throws IllegalArgumentException if {@code sequence} is negative
     * @throws IllegalStateException if the table is closed
     */
    MemTableIterator scan(Bound lower, Bound upper, long sequence);

    /**
     * Returns an iterator over <em>every</em> version of every key between the bounds: keys
     * ascending, and the versions of one key by sequence descending (newest first), tombstones
     * included. The same key therefore comes several times in a row, once per version. It is what
     * a flush reads when it must keep the versions open snapshots still see (a memtable set
     * filters it down to exactly those). Weakly consistent like every iterator: a version written
     * while it runs may or may not be seen, and no version is yielded twice.
     *
     * @throws NullPointerException naming {@code lower} or {@code upper} if it is null
     * @throws IllegalStateException if the table is closed
     */
    MemTableIterator versions(Bound lower, Bound upper);

    /**
     * Returns the highest sequence of any version this table holds; 0 if it holds none. After
     * recovery from a write-ahead log it is the highest sequence recovered.
     *
     * @throws IllegalStateException if the table is closed
     */
    long lastSequence();

    /**
     * Returns the sum of key and value lengths, plus {@link #VERSION_BYTES} each, of every version
     * ever written, superseded versions and deletes included; it never shrinks.
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

    /**
     * The check every table applies to a write sequence.
     *
     * @throws IllegalArgumentException naming the sequence if it is not in
     *     {@code 1 .. MAX_SEQUENCE}
     */
    static void checkWriteSequence(long sequence) {
        if (sequence < 1 || sequence > MAX_SEQUENCE) {
            throw new IllegalArgumentException("sequence " + sequence + " is out of range: a write"
                    + " sequence is from 1 to MAX_SEQUENCE (" + MAX_SEQUENCE + ")");
        }
    }

    /**
     * The check every table applies to a read sequence.
     *
     * @throws IllegalArgumentException naming the sequence if it is negative
     */
    static void checkReadSequence(long sequence) {
        if (sequence < 0) {
            throw new IllegalArgumentException("read sequence " + sequence + " is negative: read"
                    + " at 0 (before every write) or above");
        }
    }
}
