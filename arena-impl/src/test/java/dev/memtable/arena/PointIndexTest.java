package dev.memtable.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** The point index beside the arena's skip list: what it holds, and that reads never depend on it. */
class PointIndexTest {

    private static ArenaSkipList list() {
        return new ArenaSkipList(new Arena("t", 1 << 16, 1 << 16, Arena.MAX_CHUNKS));
    }

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int lookup(ArenaSkipList list, byte[] key) {
        return list.index().lookup(key, 0, key.length, PointIndex.hash(key, 0, key.length));
    }

    @Test
    void holdsTheNewestVersion_whateverOrderVersionsArriveIn() {
        ArenaSkipList list = list();
        list.put(Bytes.wrap(k("key")), Bytes.wrap(k("v1")), 1);
        list.put(Bytes.wrap(k("key")), Bytes.wrap(k("v3")), 3);
        list.put(Bytes.wrap(k("key")), Bytes.wrap(k("v2")), 2); // older, arrives late
        int node = lookup(list, k("key"));
        assertNotEquals(Arena.NIL, node);
        assertEquals(3, list.sequence(node));
        assertEquals("v3", list.get(Bytes.wrap(k("key")), ArenaSkipList.NEWEST).toUtf8String());
        assertEquals("v2", list.get(Bytes.wrap(k("key")), 2).toUtf8String());
        assertEquals("v1", list.get(Bytes.wrap(k("key")), 1).toUtf8String());
    }

    @Test
    void aSupersededVersionInTheIndex_isNotReturned() {
        ArenaSkipList list = list();
        list.put(Bytes.wrap(k("key")), Bytes.wrap(k("old")), 1);
        int old = lookup(list, k("key"));
        list.put(Bytes.wrap(k("key")), Bytes.wrap(k("new")), 2);
        // The index moved on; a reader that had loaded the old node finds it superseded.
        assertTrue(list.superseded(old));
        assertEquals("new", list.get(Bytes.wrap(k("key")), ArenaSkipList.NEWEST).toUtf8String());
    }

    @Test
    void absentKeys_areNotInTheIndexAndReadAsAbsent() {
        ArenaSkipList list = list();
        list.put(Bytes.wrap(k("a")), Bytes.wrap(k("1")), 1);
        assertEquals(Arena.NIL, lookup(list, k("b")));
        assertNull(list.get(Bytes.wrap(k("b")), ArenaSkipList.NEWEST));
        assertEquals(Arena.NIL, lookup(list, k("aa")));
        assertNull(list.get(Bytes.wrap(k("a")), 0), "no version at or below 0");
    }

    @Test
    void grows_andEveryKeyIsStillReadCorrectly() {
        ArenaSkipList list = list();
        int n = 50_000;
        int startCapacity = list.index().capacity();
        for (int i = 0; i < n; i++) {
            list.put(Bytes.wrap(k("key-" + i)), Bytes.wrap(k("v" + i)), i + 1);
        }
        assertTrue(list.index().capacity() >= 2 * n, "grew from " + startCapacity + " to "
                + list.index().capacity());
        int indexed = 0;
        for (int i = 0; i < n; i++) {
            byte[] key = k("key-" + i);
            if (lookup(list, key) != Arena.NIL) {
                indexed++;
            }
            assertEquals("v" + i, list.get(Bytes.wrap(key), ArenaSkipList.NEWEST).toUtf8String());
        }
        assertTrue(indexed > n * 99L / 100, "only " + indexed + " of " + n + " keys indexed");
    }

    @Test
    void keysTheIndexGaveUpOn_areFoundByTheSearch() {
        // Keys whose hashes all land in one window of slots: past MAX_PROBES of them the index
        // gives up, and reads must still find every one through the list.
        ArenaSkipList list = list();
        int mask = list.index().capacity() - 1;
        List<byte[]> crowded = new ArrayList<>();
        for (int i = 0; crowded.size() < PointIndex.MAX_PROBES * 2; i++) {
            byte[] key = k("c" + i);
            if ((PointIndex.hash(key, 0, key.length) & mask) == 7) {
                crowded.add(key);
            }
        }
        for (int i = 0; i < crowded.size(); i++) {
            list.put(Bytes.wrap(crowded.get(i)), Bytes.wrap(k("v" + i)), i + 1);
        }
        int indexed = 0;
        for (int i = 0; i < crowded.size(); i++) {
            if (lookup(list, crowded.get(i)) != Arena.NIL) {
                indexed++;
            }
            assertEquals("v" + i, list.get(Bytes.wrap(crowded.get(i)), ArenaSkipList.NEWEST)
                    .toUtf8String());
        }
        assertTrue(indexed < crowded.size(), "the window overflowed, so some keys are unindexed");
    }

    @Test
    void concurrentWritersOfOneKeySet_leaveTheNewestVersionReadable() throws Exception {
        ArenaSkipList list = list();
        int threads = 4;
        int keys = 2_000;
        int rounds = 20;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < keys; i++) {
                        // Sequences interleave across threads: thread t writes r * threads + t + 1.
                        long seq = (long) r * threads + id + 1;
                        list.put(Bytes.wrap(k("k" + i)), Bytes.wrap(k("s" + seq)), seq);
                        if (ThreadLocalRandom.current().nextInt(64) == 0) {
                            Thread.yield();
                        }
                    }
                }
            });
            all.add(w);
            w.start();
        }
        go.countDown();
        for (Thread w : all) {
            w.join();
        }
        long newest = (long) rounds * threads;
        for (int i = 0; i < keys; i++) {
            assertEquals("s" + newest, list.get(Bytes.wrap(k("k" + i)), ArenaSkipList.NEWEST)
                    .toUtf8String(), "key k" + i);
            int node = lookup(list, k("k" + i));
            if (node != Arena.NIL) {
                assertEquals(newest, list.sequence(node), "the index's node for k" + i);
            }
        }
    }

    @Test
    void hash_dependsOnEveryByteAndTheLength() {
        byte[] a = k("0123456789abcdefX");
        long h = PointIndex.hash(a, 0, a.length);
        for (int i = 0; i < a.length; i++) {
            byte[] b = a.clone();
            b[i] ^= 1;
            assertNotEquals(h, PointIndex.hash(b, 0, b.length), "byte " + i);
        }
        assertNotEquals(h, PointIndex.hash(a, 0, a.length - 1));
        byte[] padded = k("#0123456789abcdefX#");
        assertEquals(h, PointIndex.hash(padded, 1, a.length), "a range hashes as its bytes");
    }
}
