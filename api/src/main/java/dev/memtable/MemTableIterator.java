package dev.memtable;

/**
 * A forward cursor over the entries of a scan, in ascending unsigned key order.
 *
 * <p>In the manner of LevelDB and mini-lsm iterators: a new iterator is already positioned on the
 * first entry in range (or is invalid if there is none). Use it as
 * <pre>{@code
 * try (MemTableIterator it = table.scan(Bound.included(from), Bound.unbounded())) {
 *     for (; it.isValid(); it.next()) {
 *         use(it.key(), it.value());   // an empty value is a tombstone
 *     }
 * }
 * }</pre>
 *
 * <p><b>Tombstones and versions.</b> An iterator from {@link MemTable#scan} yields tombstones as
 * entries whose value is empty; merged iterators over several tables say whether they do. Every
 * entry is a version of its key: {@link #sequence()} tells which.
 *
 * <p><b>Consistency.</b> Iterators are <em>weakly consistent</em> under concurrent writes: they
 * never throw {@link java.util.ConcurrentModificationException}, keys come strictly ascending and
 * never twice, and every value is one that was written for its key at some point during the scan.
 * A write made while the scan runs may or may not be seen. An iterator over every version
 * ({@link MemTable#versions}) yields a key once per version instead: {@code (key, sequence)}
 * pairs strictly ascending by key, then descending by sequence, each version once. A scan at a
 * sequence ({@link MemTable#scan(Bound, Bound, long)}) never sees a version above it, so it is
 * consistent, not only weakly, once no write at or below that sequence is still in flight.
 *
 * <p><b>Threads.</b> An iterator is meant for one thread at a time; it is not itself thread-safe.
 *
 * <p><b>Closing.</b> {@link #close()} releases what the iterator holds; it is idempotent. After it,
 * or after its table is closed, {@link #isValid()} returns false and the other methods throw
 * {@link IllegalStateException}.
 */
public interface MemTableIterator extends AutoCloseable {

    /** Returns true while the iterator is positioned on an entry. */
    boolean isValid();

    /**
     * Returns the key of the current entry.
     *
     * @throws java.util.NoSuchElementException if the iterator is not {@linkplain #isValid() valid}
     * @throws IllegalStateException if the iterator or its table was closed
     */
    Bytes key();

    /**
     * Returns the value of the current entry; empty for a tombstone.
     *
     * @throws java.util.NoSuchElementException if the iterator is not {@linkplain #isValid() valid}
     * @throws IllegalStateException if the iterator or its table was closed
     */
    Bytes value();

    /**
     * Returns the sequence number of the current entry's version (see {@link MemTable}): at least
     * 1, at most {@link MemTable#MAX_SEQUENCE}.
     *
     * @throws java.util.NoSuchElementException if the iterator is not {@linkplain #isValid() valid}
     * @throws IllegalStateException if the iterator or its table was closed
     */
    long sequence();

    /**
     * Moves to the next entry in range. Past the last entry the iterator becomes, and stays,
     * invalid; calling {@code next()} then does nothing.
     *
     * @throws IllegalStateException if the iterator or its table was closed
     */
    void next();

    /** Releases the iterator. Idempotent; never throws. */
    @Override
    void close();

    /** Returns an iterator with no entries. */
    static MemTableIterator empty() {
        return EmptyIterator.INSTANCE;
    }
}
