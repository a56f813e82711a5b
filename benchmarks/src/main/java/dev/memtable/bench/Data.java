package dev.memtable.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The data every benchmark uses: 16-byte keys, random or ascending, and a pool of random values.
 * Everything is generated from fixed seeds, so every contender and every fork sees the same keys
 * in the same order.
 */
final class Data {

    /** Key length in bytes, for every workload. */
    static final int KEY_LENGTH = 16;

    /** Seed of the keys that are present in a filled table. */
    static final long PRESENT_SEED = 0x5eed_0001L;

    /** Seed of the probe keys that are absent from it. */
    static final long ABSENT_SEED = 0x5eed_0002L;

    /** Seed of the value pool. */
    static final long VALUE_SEED = 0x5eed_0003L;

    /**
     * How many distinct values the pool holds: a put stores a reference (or a copy) of one of
     * them. A pool keeps the harness's own memory small for 1-KiB values; the contenders that
     * copy values (RocksDB) still copy every byte.
     */
    static final int VALUE_POOL = 1024;

    private Data() {
    }

    /**
     * Returns {@code n} uniformly random 16-byte keys. The last bit of every key is
     * {@code lastBit}: keys made with different last bits never collide, which is how the
     * "absent" probe keys are guaranteed absent without a lookup.
     */
    static byte[][] randomKeys(int n, long seed, int lastBit) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[KEY_LENGTH];
            random.nextBytes(k);
            k[KEY_LENGTH - 1] = (byte) ((k[KEY_LENGTH - 1] & ~1) | (lastBit & 1));
            keys[i] = k;
        }
        return keys;
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
        SplittableRandom random = new SplittableRandom(VALUE_SEED);
        byte[][] values = new byte[VALUE_POOL][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new byte[size];
            random.nextBytes(values[i]);
        }
        return values;
    }

    /** Returns the value the {@code i}-th put uses. */
    static byte[] valueFor(byte[][] pool, int i) {
        return pool[i & (VALUE_POOL - 1)];
    }

    /** Returns a copy of {@code keys} in ascending unsigned order. */
    static byte[][] sorted(byte[][] keys) {
        byte[][] copy = keys.clone();
        Arrays.sort(copy, Arrays::compareUnsigned);
        return copy;
    }
}
