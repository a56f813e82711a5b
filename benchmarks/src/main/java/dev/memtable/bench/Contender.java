package dev.memtable.bench;

import org.openjdk.jmh.infra.Blackhole;

/**
 * One sorted table under test, seen through the {@code byte[]} operations that every contender
 * offers: a memtable backend, the raw {@code ConcurrentSkipListMap} floor, or RocksDB. The
 * benchmarks hold keys and values as {@code byte[]}, as a storage engine that receives them from
 * the network or a file would, so each contender pays its own way of taking them (a memtable
 * wraps them in {@link dev.memtable.Bytes} without copying; RocksDB copies them into its arena).
 *
 * <p>Thread-safe when the underlying table is: every contender here takes concurrent calls.
 */
interface Contender extends AutoCloseable {

    /** Maps {@code key} to {@code value}. */
    void put(byte[] key, byte[] value);

    /** Returns the value of {@code key} (in whatever form the contender gives it), or null. */
    Object get(byte[] key);

    /**
     * Reads every entry with {@code from <= key < to}, feeding keys and values to {@code sink},
     * and returns how many it read. The benchmarks know that exactly {@code expected} entries lie
     * in the range; a contender without a cheap upper bound (RocksDB) reads that many from
     * {@code from} instead of comparing keys.
     */
    int scan(byte[] from, byte[] to, int expected, Blackhole sink);

    /**
     * Throws {@link IllegalStateException} unless every key in {@code sample} is present: the
     * guard that keeps a benchmark from measuring a table that silently lost its writes.
     */
    default void checkContains(byte[]... sample) {
        for (byte[] key : sample) {
            if (get(key) == null) {
                throw new IllegalStateException(this + " lost a key that was put");
            }
        }
    }

    /** Releases the table; unchecked exceptions only. */
    @Override
    void close();
}
