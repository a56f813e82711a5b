package dev.memtable.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bloom filter: no false negatives, and a false-positive rate where the theory puts it. */
class BloomFilterTest {

    private static final int KEYS = 100_000;
    private static final Path FILE = Path.of("filter-test");

    private static byte[] key(String prefix, int i) {
        return (prefix + i).getBytes(StandardCharsets.UTF_8);
    }

    private static BloomFilter build(int bitsPerKey) throws StoreCorruptionException {
        long[] hashes = new long[KEYS];
        for (int i = 0; i < KEYS; i++) {
            byte[] k = key("user", i);
            hashes[i] = BloomFilter.hash(k, 0, k.length);
        }
        byte[] section = BloomFilter.build(hashes, KEYS, bitsPerKey);
        return BloomFilter.decode(FILE, 0, section);
    }

    /**
     * 100k keys in, 100k other keys probed. The bounds hold the theory of a filter blocked in
     * 512-bit lines (keys per line Poisson-distributed: 0.96 % at 10 bits, 9.3 % at 5, 0.086 %
     * at 16; a little above the unblocked (1 - e^(-k/b))^k) with room for sampling noise.
     */
    @ParameterizedTest
    @CsvSource({"10, 0.0075, 0.0120", "5, 0.08, 0.11", "16, 0.0004, 0.0013"})
    void mayContain_100kKeys_falsePositiveRateWithinBounds(int bitsPerKey, double low,
                                                           double high)
            throws StoreCorruptionException {
        BloomFilter f = build(bitsPerKey);
        for (int i = 0; i < KEYS; i++) {
            assertTrue(f.mayContain(Bytes.wrap(key("user", i))), "false negative for key " + i);
        }
        int positives = 0;
        for (int i = 0; i < KEYS; i++) {
            if (f.mayContain(Bytes.wrap(key("other", i)))) {
                positives++;
            }
        }
        double rate = (double) positives / KEYS;
        assertTrue(rate >= low && rate <= high, "false-positive rate " + rate + " at "
                + bitsPerKey + " bits per key, expected in [" + low + ", " + high + "]");
    }

    @Test
    void probes_followBitsPerKeyTimesLn2() {
        assertEquals(7, BloomFilter.probesFor(10));
        assertEquals(1, BloomFilter.probesFor(1));
        assertEquals(22, BloomFilter.probesFor(32));
    }

    @Test
    void hash_isStable_becauseItIsPartOfTheFormat() {
        byte[] a = "memtable".getBytes(StandardCharsets.UTF_8);
        // Pinned: a change of the hash makes every filter already written answer wrongly.
        assertEquals(0xe0ff8873bc675533L, BloomFilter.hash(a, 0, a.length));
        byte[] shifted = new byte[a.length + 3];
        System.arraycopy(a, 0, shifted, 3, a.length);
        assertEquals(BloomFilter.hash(a, 0, a.length), BloomFilter.hash(shifted, 3, a.length));
        assertNotEquals(BloomFilter.hash(a, 0, 7), BloomFilter.hash(a, 0, 8));
        assertNotEquals(BloomFilter.hash(new byte[0], 0, 0), BloomFilter.hash(new byte[1], 0, 1));
    }
}
