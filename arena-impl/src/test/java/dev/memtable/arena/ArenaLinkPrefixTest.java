package dev.memtable.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The 4-byte key prefixes carried by upper-level links: the prefix orders keys as the keys do
 * (a strict prefix order implies the same key order, for keys of any length), and every upper
 * link carries the prefix of the node it points to, including after concurrent inserts.
 */
class ArenaLinkPrefixTest {

    @Test
    void prefixOrderAgreesWithKeyOrder() {
        Random random = new Random(13);
        byte[] alphabet = {0, 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF};
        for (int i = 0; i < 200_000; i++) {
            byte[] a = new byte[random.nextInt(7)];
            byte[] b = new byte[random.nextInt(7)];
            for (int j = 0; j < a.length; j++) {
                a[j] = alphabet[random.nextInt(alphabet.length)];
            }
            for (int j = 0; j < b.length; j++) {
                b[j] = alphabet[random.nextInt(alphabet.length)];
            }
            int byPrefix = Integer.signum(Integer.compareUnsigned(
                    ArenaSkipList.prefix32(a, 0, a.length), ArenaSkipList.prefix32(b, 0, b.length)));
            int byKey = Integer.signum(Arrays.compareUnsigned(a, b));
            assertTrue(byPrefix == 0 || byPrefix == byKey, Bytes.wrap(a).toHex() + " vs "
                    + Bytes.wrap(b).toHex() + ": prefixes order " + byPrefix + ", keys " + byKey);
        }
    }

    @Test
    void prefixIsReadAtTheKeysOffset() {
        byte[] key = {9, 9, 1, 2, 3, 4, 5};
        assertEquals(0x01020304, ArenaSkipList.prefix32(key, 2, 5));
        assertEquals(0x04050000, ArenaSkipList.prefix32(key, 5, 2));
        assertEquals(0, ArenaSkipList.prefix32(key, 7, 0));
    }

    @Test
    void everyUpperLinkCarriesItsTargetsPrefix() throws Exception {
        ArenaMemTable table = Tables.table();
        ArenaSkipList list = table.list();
        Thread[] writers = new Thread[4];
        for (int t = 0; t < writers.length; t++) {
            long seed = t;
            writers[t] = new Thread(() -> {
                Random random = new Random(seed);
                for (int i = 0; i < 20_000; i++) {
                    // Short and shared-prefix keys too, so that prefixes tie and pad.
                    byte[] key = random.nextBoolean() ? Tables.awkwardKey(random)
                            : Tables.randomBytes(random, 1 + random.nextInt(20));
                    table.put(Bytes.wrap(key), Bytes.wrap(new byte[] {(byte) i}));
                }
            });
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
        int links = 0;
        for (int level = 1; level < ArenaSkipList.MAX_HEIGHT; level++) {
            for (int node = list.first(level); node != Arena.NIL; node = list.next(node, level)) {
                int next = list.next(node, level);
                if (next != Arena.NIL) {
                    assertEquals(list.keyPrefix32(next), list.linkPrefix(node, level),
                            "link to " + list.key(next) + " on level " + level);
                    links++;
                }
            }
        }
        assertTrue(links > 1000, "too few upper links to check: " + links);
        ArenaConcurrencyTest.checkStructure(list);
        table.close();
    }
}
