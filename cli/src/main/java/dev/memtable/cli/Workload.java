package dev.memtable.cli;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * The data that {@code memtable bench} and the JMH suite in {@code benchmarks/} both use, defined
 * once so that their figures measure the same thing: uniformly random keys from fixed seeds, a
 * pool of random values, and the load the heap probe measures (every key and value a freshly
 * allocated array, as a caller handing over its data would).
 *
 * <p>Stateless and thread-safe.
 */
public final class Workload {

    /** Seed of the keys that are present in a filled table. */
    public static final long PRESENT_SEED = 0x5eed_0001L;

    /** Seed of the probe keys that are absent from it. */
    public static final long ABSENT_SEED = 0x5eed_0002L;

    /** Seed of the value pool. */
    public static final long VALUE_SEED = 0x5eed_0003L;

    /**
     * How many distinct values the pool holds: a put stores a reference (or a copy) of one of
     * them, which keeps the harness's own memory small for large values.
     */
    public static final int VALUE_POOL = 1024;

    private Workload() {
    }

    /**
     * Returns {@code n} uniformly random keys of {@code keySize} bytes from {@code seed}. The last
     * bit of every key is {@code lastBit}: keys made with different last bits never collide,
     * which is how absent probe keys are absent without a lookup. Keys are distinct with
     * overwhelming probability at 16 bytes; callers that need certainty check the table's size.
     *
     * @throws IllegalArgumentException if {@code n < 0} or {@code keySize < 1}
     */
    public static byte[][] randomKeys(int n, int keySize, long seed, int lastBit) {
        if (n < 0 || keySize < 1) {
            throw new IllegalArgumentException("need n >= 0 and keySize >= 1, not " + n + ", "
                    + keySize);
        }
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[keySize];
            random.nextBytes(k);
            k[keySize - 1] = (byte) ((k[keySize - 1] & ~1) | (lastBit & 1));
            keys[i] = k;
        }
        return keys;
    }

    /** Returns {@link #VALUE_POOL} random values of {@code size} bytes each. */
    public static byte[][] values(int size) {
        SplittableRandom random = new SplittableRandom(VALUE_SEED);
        byte[][] values = new byte[VALUE_POOL][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new byte[size];
            random.nextBytes(values[i]);
        }
        return values;
    }

    /** Returns the value the {@code i}-th put uses. */
    public static byte[] valueFor(byte[][] pool, int i) {
        return pool[i & (VALUE_POOL - 1)];
    }

    /** Returns a copy of {@code keys} in ascending unsigned order. */
    public static byte[][] sorted(byte[][] keys) {
        byte[][] copy = keys.clone();
        Arrays.sort(copy, Arrays::compareUnsigned);
        return copy;
    }

    /**
     * The load the heap probe measures: {@code entries} random keys with random values, each a
     * freshly allocated array, handed to {@code put} in order. The same seed and order on every
     * call.
     */
    public static void loadFresh(int entries, int keySize, int valueSize,
                                 BiConsumer<byte[], byte[]> put) {
        SplittableRandom random = new SplittableRandom(PRESENT_SEED);
        for (int i = 0; i < entries; i++) {
            byte[] key = new byte[keySize];
            random.nextBytes(key);
            byte[] value = new byte[valueSize];
            random.nextBytes(value);
            put.accept(key, value);
        }
    }
}
