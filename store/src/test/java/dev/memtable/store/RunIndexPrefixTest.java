package dev.memtable.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The index's 8-byte prefixes decide a comparison only where the keys' order agrees: keys of 0
 * to 12 bytes drawn mostly from {0, 1, 255}, so that ties, zero padding and sign bits all occur.
 */
class RunIndexPrefixTest {

    @Test
    void prefixOrder_agreesWithKeyOrderWheneverPrefixesDiffer() {
        Random random = new Random(42);
        byte[] alphabet = {0, 0, 1, (byte) 255, (byte) 128, 127};
        int decided = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] a = key(random, alphabet);
            byte[] b = key(random, alphabet);
            int byPrefix = Long.compareUnsigned(RunIndex.prefix(a, 0, a.length),
                    RunIndex.prefix(b, 0, b.length));
            if (byPrefix != 0) {
                decided++;
                assertEquals(Integer.signum(byPrefix), Integer.signum(Arrays.compareUnsigned(a, b)),
                        Arrays.toString(a) + " vs " + Arrays.toString(b));
            }
        }
        assertEquals(true, decided > 100_000, "most pairs must be decided by the prefix");
    }

    @Test
    void prefix_readsAnOffsetSlice() {
        byte[] a = {9, 9, 1, 2, 3};
        assertEquals(0x0102030000000000L, RunIndex.prefix(a, 2, 5));
        assertEquals(0L, RunIndex.prefix(a, 2, 2));
    }

    private static byte[] key(Random random, byte[] alphabet) {
        byte[] k = new byte[random.nextInt(13)];
        for (int j = 0; j < k.length; j++) {
            k[j] = alphabet[random.nextInt(alphabet.length)];
        }
        return k;
    }
}
