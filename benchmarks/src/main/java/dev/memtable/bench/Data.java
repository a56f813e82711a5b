package dev.memtable.bench;

import dev.memtable.cli.Workload;

/**
 * The data every benchmark uses: 16-byte keys, random or ascending, and a pool of random values.
 * Everything is generated from fixed seeds, so every contender and every fork sees the same keys
 * in the same order. Random keys, values and seeds are {@link Workload}'s, the definition that
 * {@code memtable bench} uses too, so both measure on the same data.
 */
final class Data {

    /** Key length in bytes, for every workload. */
    static final int KEY_LENGTH = 16;

    /** Seed of the keys that are present in a filled table. */
    static final long PRESENT_SEED = Workload.PRESENT_SEED;

    /** Seed of the probe keys that are absent from it. */
    static final long ABSENT_SEED = Workload.ABSENT_SEED;

    /** Seed of the value pool. */
    static final long VALUE_SEED = Workload.VALUE_SEED;

    /**
     * How many distinct values the pool holds: a put stores a reference (or a copy) of one of
     * them. A pool keeps the harness's own memory small for 1-KiB values; the contenders that
     * copy values (RocksDB) still copy every byte.
     */
    static final int VALUE_POOL = Workload.VALUE_POOL;

    private Data() {
    }

    /**
     * Returns {@code n} uniformly random 16-byte keys. The last bit of every key is
     * {@code lastBit}: keys made with different last bits never collide, which is how the
     * "absent" probe keys are guaranteed absent without a lookup.
     */
    static byte[][] randomKeys(int n, long seed, int lastBit) {
        return Workload.randomKeys(n, KEY_LENGTH, seed, lastBit);
    }

    /** Returns the keys 0, 1, …, n − 1 as 16-byte big-endian numbers, in ascending order. */
    static byte[][] sequentialKeys(int n) {
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[KEY_LENGTH];
            long v = i;
            for (int b = KEY_LENGTH - 1; b >= KEY_LENGTH - 8; b--) {
                k[b] = (byte) v;
                v >>>= 8;
            }
            keys[i] = k;
        }
        return keys;
    }

    /** Returns {@link #VALUE_POOL} random values of {@code size} bytes each. */
    static byte[][] values(int size) {
        return Workload.values(size);
    }

    /** Returns the value the {@code i}-th put uses. */
    static byte[] valueFor(byte[][] pool, int i) {
        return Workload.valueFor(pool, i);
    }

    /** Returns a copy of {@code keys} in ascending unsigned order. */
    static byte[][] sorted(byte[][] keys) {
        return Workload.sorted(keys);
    }
}
