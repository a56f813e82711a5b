package dev.memtable.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.Versions.Version;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Versions}: the per-key chain (order, replacement, visibility), its lock-freedom under
 * concurrent writers, the visible-version filter, and the {@code all} and {@code scan} cursors.
 */
class VersionsTest {

    private static final Bytes A = Bytes.ofUtf8("a");
    private static final Bytes B = Bytes.ofUtf8("b");
    private static final Bytes C = Bytes.ofUtf8("c");
    private static final Bytes D = Bytes.ofUtf8("d");

    private static Bytes v(String s) {
        return Bytes.ofUtf8(s);
    }

    /** The chain of {@code key} as "sequence=value", newest first. */
    private static List<String> chain(Map<Bytes, Version> map, Bytes key) {
        List<String> out = new ArrayList<>();
        for (Version x = map.get(key); x != null; x = x.older()) {
            out.add(x.sequence() + "=" + x.value().toUtf8String());
        }
        return out;
    }

    /** Drains a cursor into "key@sequence=value". */
    private static List<String> drain(MemTableIterator it) {
        List<String> out = new ArrayList<>();
        for (; it.isValid(); it.next()) {
            out.add(it.key().toUtf8String() + "@" + it.sequence() + "=" + it.value().toUtf8String());
        }
        return out;
    }

    // ------------------------------------------------------------ the chain

    @Test
    void put_keepsTheChainNewestFirst_whateverOrderVersionsArriveIn() {
        for (Map<Bytes, Version> map : List.<Map<Bytes, Version>>of(new TreeMap<>(),
                new ConcurrentSkipListMap<>())) {
            for (long s : new long[] {5, 1, 9, 3, 7, 2, 10, 8}) {
                Versions.put(map, A, v("v" + s), s);
            }
            assertEquals(List.of("10=v10", "9=v9", "8=v8", "7=v7", "5=v5", "3=v3", "2=v2",
                    "1=v1"), chain(map, A));
            assertEquals(1, map.size());
        }
    }

    @Test
    void put_anEqualSequenceReplacesThatVersionsValue_atTheHeadOrBelowIt() {
        Map<Bytes, Version> map = new ConcurrentSkipListMap<>();
        Versions.put(map, A, v("x"), 5);
        Version head = map.get(A);
        Versions.put(map, A, v("y"), 5);
        assertSame(head, map.get(A), "replacing the head's value installs no new head");
        assertEquals(List.of("5=y"), chain(map, A));
        Versions.put(map, A, v("z"), 9);
        Versions.put(map, A, v("t"), 1);
        Versions.put(map, A, v("w"), 5);
        Versions.put(map, A, v("u"), 1);
        Versions.put(map, A, v(""), 9);
        assertEquals(List.of("9=", "5=w", "1=u"), chain(map, A));
    }

    @Test
    void visibleAt_isTheNewestVersionAtOrBelowTheReadSequence() {
        Map<Bytes, Version> map = new TreeMap<>();
        Versions.put(map, A, v("one"), 1);
        Versions.put(map, A, v("five"), 5);
        Versions.put(map, A, v("nine"), 9);
        Version head = map.get(A);
        assertNull(head.visibleAt(0));
        assertEquals(1, head.visibleAt(1).sequence());
        assertEquals(1, head.visibleAt(4).sequence());
        assertEquals(5, head.visibleAt(5).sequence());
        assertEquals(5, head.visibleAt(8).sequence());
        assertSame(head, head.visibleAt(9));
        assertSame(head, head.visibleAt(Long.MAX_VALUE));
        Version five = head.visibleAt(5);
        assertNull(five.older().visibleAt(0), "a chain above the read sequence sees nothing");
        assertEquals(v("five"), Versions.get(map, A, 7));
        assertEquals(v("nine"), Versions.get(map, A, Long.MAX_VALUE));
        assertNull(Versions.get(map, A, 0));
        assertNull(Versions.get(map, B, Long.MAX_VALUE), "an unknown key");
    }

    @Test
    void version_toStringSaysSequenceAndTombstone() {
        Map<Bytes, Version> map = new TreeMap<>();
        Versions.put(map, A, v("x"), 3);
        Versions.put(map, A, Bytes.EMPTY, 4);
        assertEquals("Version[4, tombstone]", map.get(A).toString());
        assertEquals("Version[3]", map.get(A).older().toString());
    }

    // ------------------------------------------------------------ concurrent writers

    @Test
    void put_concurrentWritersOfFewKeys_loseNoVersion_andKeepEveryChainStrictlyDescending()
            throws Exception {
        int threads = 4;
        int phases = 24;
        int perPhase = 96; // sequences per thread, phase and key
        int sharedEvery = 8; // every thread also writes one shared sequence per 8 of its own
        int perThread = phases * perPhase;
        int shared = perThread / sharedEvery;
        long stride = threads + 1;
        int rounds = 20;
        List<Bytes> keys = List.of(A, B);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier barrier = new CyclicBarrier(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                ConcurrentSkipListMap<Bytes, Version> map = new ConcurrentSkipListMap<>();
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    // Thread t owns the sequences t+1, t+1+stride, …: interleaved with the
                    // others', as writers that took them from one counter. The multiples of
                    // stride are shared: every thread writes them (equal-sequence replacement
                    // races). The threads go up through their sequences, released together by the
                    // barrier at each phase, so that all of them work near the head of the same
                    // chain at once: in even phases in ascending order, where many versions land
                    // above the head (map replace races) and the rest just below it (link
                    // compare-and-set races), in odd phases shuffled in windows of four, where
                    // more land below the head.
                    List<Long> sequences = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        sequences.add(t + 1 + i * stride);
                        if (i % sharedEvery == 0) {
                            sequences.add((i + 1) * stride);
                        }
                    }
                    int phaseLength = perPhase + perPhase / sharedEvery;
                    Random random = new Random(round * 31L + t);
                    for (int from = phaseLength; from < sequences.size(); from += 2 * phaseLength) {
                        for (int w = from; w < from + phaseLength; w += 4) {
                            Collections.shuffle(sequences.subList(w, w + 4), random);
                        }
                    }
                    List<Bytes> values = new ArrayList<>();
                    for (long s : sequences) {
                        values.add(s % stride == 0 ? v("t" + t) : v("s" + s));
                    }
                    done.add(pool.submit(() -> {
                        for (int from = 0; from < sequences.size(); from += phaseLength) {
                            barrier.await(10, TimeUnit.SECONDS);
                            for (int i = from; i < from + phaseLength; i++) {
                                for (Bytes key : keys) {
                                    Versions.put(map, key, values.get(i), sequences.get(i));
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
                for (Bytes key : keys) {
                    int count = 0;
                    long newer = Long.MAX_VALUE;
                    for (Version x = map.get(key); x != null; x = x.older()) {
                        assertTrue(newer > x.sequence(), "round " + round + ", key " + key
                                + ": not strictly descending: " + newer + " then "
                                + x.sequence());
                        newer = x.sequence();
                        count++;
                        String value = x.value().toUtf8String();
                        assertTrue(x.sequence() % stride == 0 ? value.matches("t[0-9]")
                                : value.equals("s" + x.sequence()), "round " + round + ": "
                                + x + " holds " + value);
                    }
                    assertEquals(threads * perThread + shared, count, "round " + round
                            + ", key " + key + ": versions lost or doubled");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------ the visible filter

    /** An every-version iterator over fixed (key, sequence, value) triples, in the given order. */
    private static final class Fixed implements MemTableIterator {
        private final List<Object[]> rows = new ArrayList<>();
        private int index;
        int closes;

        /** {@code triples}: key, sequence, value, … (keys ascending, sequences descending). */
        Fixed(Object... triples) {
            for (int i = 0; i < triples.length; i += 3) {
                rows.add(new Object[] {v((String) triples[i]),
                        ((Number) triples[i + 1]).longValue(), v((String) triples[i + 2])});
            }
        }

        @Override
        public boolean isValid() {
            return index < rows.size();
        }

        private Object[] row() {
            if (!isValid()) {
                throw new NoSuchElementException();
            }
            return rows.get(index);
        }

        @Override
        public Bytes key() {
            return (Bytes) row()[0];
        }

        @Override
        public Bytes value() {
            return (Bytes) row()[2];
        }

        @Override
        public long sequence() {
            return (Long) row()[1];
        }

        @Override
        public void next() {
            if (isValid()) {
                index++;
            }
        }

        @Override
        public void close() {
            closes++;
        }
    }

    private static Fixed everyVersion() {
        return new Fixed(
                "a", 9, "a9", "a", 5, "a5", "a", 2, "a2",
                "b", 8, "b8",
                "c", 3, "c3", "c", 1, "",
                "d", 10, "d10", "d", 7, "d7",
                "e", 6, "e6", "e", 4, "e4");
    }

    @Test
    void visible_keepsTheNewestVersionAtOrBelowTheSequence_ofEachKey() {
        assertEquals(List.of("a@5=a5", "c@3=c3", "e@6=e6"),
                drain(Versions.visible(everyVersion(), 6)),
                "b and d have nothing at or below 6; a's older version 2 is not yielded");
        assertEquals(List.of("a@2=a2", "c@1="), drain(Versions.visible(everyVersion(), 2)));
        assertEquals(List.of("a@9=a9", "b@8=b8", "c@3=c3", "d@7=d7", "e@6=e6"),
                drain(Versions.visible(everyVersion(), 9)));
        assertEquals(List.of("a@9=a9", "b@8=b8", "c@3=c3", "d@10=d10", "e@6=e6"),
                drain(Versions.visible(everyVersion(), Long.MAX_VALUE)));
        assertEquals(List.of(), drain(Versions.visible(everyVersion(), 0)));
        assertEquals(List.of(), drain(Versions.visible(new Fixed(), 5)));
        assertEquals(List.of("e@4=e4"), drain(Versions.visible(new Fixed(
                "b", 8, "b8", "d", 10, "d10", "e", 6, "e6", "e", 4, "e4"), 4)),
                "keys with nothing visible at the front are skipped");
    }

    @Test
    void visible_invalidCursorThrows_nextPastEndIsHarmless_andCloseClosesTheSource() {
        Fixed source = everyVersion();
        MemTableIterator it = Versions.visible(source, 0);
        assertFalse(it.isValid());
        it.next();
        assertThrows(NoSuchElementException.class, it::key);
        assertThrows(NoSuchElementException.class, it::value);
        assertThrows(NoSuchElementException.class, it::sequence);
        it.close();
        assertEquals(1, source.closes);
    }

    // ------------------------------------------------------------ the all and scan cursors

    private static NavigableMap<Bytes, Version> sample() {
        NavigableMap<Bytes, Version> map = new ConcurrentSkipListMap<>();
        Versions.put(map, A, v("a1"), 1);
        Versions.put(map, A, v("a3"), 3);
        Versions.put(map, B, v("b5"), 5);
        Versions.put(map, C, v("c2"), 2);
        Versions.put(map, D, Bytes.EMPTY, 2);
        Versions.put(map, D, v("d4"), 4);
        return map;
    }

    @Test
    void all_yieldsEveryVersion_keysAscending_newestFirst_withinTheBounds() {
        NavigableMap<Bytes, Version> map = sample();
        Bound none = Bound.unbounded();
        assertEquals(List.of("a@3=a3", "a@1=a1", "b@5=b5", "c@2=c2", "d@4=d4", "d@2="),
                drain(Versions.all(map, none, none)));
        assertEquals(List.of("b@5=b5", "c@2=c2"),
                drain(Versions.all(map, Bound.included(B), Bound.excluded(D))));
        assertEquals(List.of("c@2=c2", "d@4=d4", "d@2="),
                drain(Versions.all(map, Bound.excluded(B), none)));
        assertEquals(List.of("a@3=a3", "a@1=a1", "b@5=b5"),
                drain(Versions.all(map, none, Bound.included(B))));
        assertEquals(List.of(), drain(Versions.all(map, Bound.excluded(D), none)));
    }

    @Test
    void scan_yieldsTheVisibleVersionOfEachKey_withinTheBounds() {
        NavigableMap<Bytes, Version> map = sample();
        Bound none = Bound.unbounded();
        assertEquals(List.of("a@3=a3", "b@5=b5", "c@2=c2", "d@4=d4"),
                drain(Versions.scan(map, none, none, Long.MAX_VALUE)));
        assertEquals(List.of("a@1=a1", "c@2=c2", "d@2="), drain(Versions.scan(map, none, none, 2)));
        assertEquals(List.of("a@3=a3", "c@2=c2", "d@2="), drain(Versions.scan(map, none, none, 3)));
        assertEquals(List.of(), drain(Versions.scan(map, none, none, 0)));
        assertEquals(List.of("b@5=b5", "c@2=c2"),
                drain(Versions.scan(map, Bound.excluded(A), Bound.included(C), 5)));
        assertEquals(List.of("c@2=c2"),
                drain(Versions.scan(map, Bound.excluded(A), Bound.included(C), 4)),
                "b has nothing at or below 4");
    }

    @Test
    void cursors_throwNoSuchElementWhenInvalid_nextPastEndIsHarmless_closeInvalidates() {
        NavigableMap<Bytes, Version> map = sample();
        Bound none = Bound.unbounded();
        for (MemTableIterator it : List.of(Versions.all(map, Bound.excluded(D), none),
                Versions.scan(map, none, none, 0))) {
            assertFalse(it.isValid());
            it.next();
            assertFalse(it.isValid());
            assertThrows(NoSuchElementException.class, it::key);
            assertThrows(NoSuchElementException.class, it::value);
            assertThrows(NoSuchElementException.class, it::sequence);
            it.close();
        }
        for (MemTableIterator it : List.of(Versions.all(map, none, none),
                Versions.scan(map, none, none, Long.MAX_VALUE))) {
            assertTrue(it.isValid());
            assertEquals(A, it.key());
            assertEquals(3, it.sequence());
            it.close();
            assertFalse(it.isValid(), "closed");
            assertThrows(NoSuchElementException.class, it::sequence);
            it.close();
        }
        MemTableIterator it = Versions.all(map, Bound.included(D), none);
        it.next();
        it.next();
        assertFalse(it.isValid());
        it.next();
        assertThrows(NoSuchElementException.class, it::key);
    }

    @Test
    void all_seesAVersionLinkedBelowTheCursorWhileItRuns_andNoVersionTwice() {
        NavigableMap<Bytes, Version> map = new ConcurrentSkipListMap<>();
        Versions.put(map, A, v("a9"), 9);
        Versions.put(map, A, v("a1"), 1);
        Versions.put(map, B, v("b1"), 1);
        MemTableIterator it = Versions.all(map, Bound.unbounded(), Bound.unbounded());
        assertEquals(9, it.sequence());
        Versions.put(map, A, v("a5"), 5); // below the cursor: ahead of it in the walk
        Versions.put(map, A, v("a12"), 12); // a new head: behind the cursor
        assertEquals(List.of("a@9=a9", "a@5=a5", "a@1=a1", "b@1=b1"), drain(it));
    }

    // ------------------------------------------------------------ the byte[] flavour

    private static byte[] k(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The same sample as {@link #sample()}, in a map keyed by {@code byte[]}. */
    private static NavigableMap<byte[], Version> arraySample(NavigableMap<byte[], Version> map) {
        Versions.put(map, k("a"), v("a1"), 1);
        Versions.put(map, k("a"), v("a3"), 3);
        Versions.put(map, k("b"), v("b5"), 5);
        Versions.put(map, k("c"), v("c2"), 2);
        Versions.put(map, k("d"), Bytes.EMPTY, 2);
        Versions.put(map, k("d"), v("d4"), 4);
        return map;
    }

    @Test
    void keyOrder_isUnsignedLexicographic_theOrderOfBytes() {
        byte[][] keys = {{}, {0}, {0, 0}, {1}, {(byte) 0x7f}, {(byte) 0x80}, {(byte) 0xff},
                {(byte) 0xff, 0}};
        for (byte[] x : keys) {
            for (byte[] y : keys) {
                assertEquals(Integer.signum(Bytes.wrap(x).compareTo(Bytes.wrap(y))),
                        Integer.signum(Versions.KEY_ORDER.compare(x, y)));
            }
        }
    }

    @Test
    void arrayPut_keepsTheChainNewestFirst_findsKeysByContent_andStoresTheKeyGiven() {
        for (NavigableMap<byte[], Version> map : List.<NavigableMap<byte[], Version>>of(
                new TreeMap<>(Versions.KEY_ORDER),
                new ConcurrentSkipListMap<>(Versions.KEY_ORDER))) {
            byte[] stored = k("a");
            Versions.put(map, stored, v("v5"), 5);
            for (long s : new long[] {1, 9, 3, 7, 10}) {
                Versions.put(map, k("a"), v("v" + s), s); // equal content, another array
            }
            Versions.put(map, k("a"), v("w7"), 7); // an equal sequence below the head
            assertEquals(1, map.size());
            assertSame(stored, map.firstKey(), "the first array put is the one kept");
            List<String> chain = new ArrayList<>();
            for (Version x = map.get(k("a")); x != null; x = x.older()) {
                chain.add(x.sequence() + "=" + x.value().toUtf8String());
            }
            assertEquals(List.of("10=v10", "9=v9", "7=w7", "5=v5", "3=v3", "1=v1"), chain);
        }
    }

    @Test
    void arrayGet_isTheVersionVisibleAtTheSequence_tombstonesIncluded() {
        NavigableMap<byte[], Version> map = arraySample(new TreeMap<>(Versions.KEY_ORDER));
        assertEquals(v("a3"), Versions.get(map, k("a"), Long.MAX_VALUE));
        assertEquals(v("a3"), Versions.get(map, k("a"), 3));
        assertEquals(v("a1"), Versions.get(map, k("a"), 2));
        assertNull(Versions.get(map, k("a"), 0));
        assertNull(Versions.get(map, k("b"), 4), "b has nothing at or below 4");
        assertEquals(Bytes.EMPTY, Versions.get(map, k("d"), 3), "the tombstone at 2");
        assertEquals(v("d4"), Versions.get(map, k("d"), 4));
        assertNull(Versions.get(map, k("e"), Long.MAX_VALUE), "an unknown key");
        assertNull(Versions.get(map, new byte[0], Long.MAX_VALUE));
    }

    @Test
    void arrayCursors_matchTheBytesFlavour_withinBoundsGivenAsWholeArraysOrSlices() {
        NavigableMap<byte[], Version> map =
                arraySample(new ConcurrentSkipListMap<>(Versions.KEY_ORDER));
        NavigableMap<Bytes, Version> bytesMap = sample();
        Bound none = Bound.unbounded();
        // b and d as slices of a longer array: the bounds must be their content, not the array
        byte[] abcd = k("abcd");
        Bound fromB = Bound.included(Bytes.wrap(abcd, 1, 2));
        Bound toD = Bound.excluded(Bytes.wrap(abcd, 3, 4));
        List<Bound[]> ranges = List.of(new Bound[] {none, none}, new Bound[] {fromB, toD},
                new Bound[] {Bound.excluded(B), none}, new Bound[] {none, Bound.included(B)},
                new Bound[] {Bound.excluded(D), none}, new Bound[] {fromB, none},
                new Bound[] {none, toD});
        for (Bound[] r : ranges) {
            assertEquals(drain(Versions.all(bytesMap, r[0], r[1])),
                    drain(Versions.allArrays(map, r[0], r[1])));
            for (long s : new long[] {0, 1, 2, 3, 4, 5, Long.MAX_VALUE}) {
                assertEquals(drain(Versions.scan(bytesMap, r[0], r[1], s)),
                        drain(Versions.scanArrays(map, r[0], r[1], s)));
            }
        }
        assertEquals(List.of("b@5=b5", "c@2=c2"), drain(Versions.allArrays(map, fromB, toD)));
        assertEquals(List.of("a@1=a1", "c@2=c2", "d@2="),
                drain(Versions.scanArrays(map, none, none, 2)));
        MemTableIterator it = Versions.scanArrays(map, none, none, Long.MAX_VALUE);
        assertEquals(A, it.key());
        assertSame(map.firstKey(), ByteArrays.array(it.key()), "a wrapper of the stored key");
        it.close();
        assertFalse(it.isValid());
        assertThrows(NoSuchElementException.class, it::key);
    }

    @Test
    void arrayPut_concurrentWritersOfOneKey_loseNoVersion() throws Exception {
        NavigableMap<byte[], Version> map = new ConcurrentSkipListMap<>(Versions.KEY_ORDER);
        int writers = 4;
        int perWriter = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CyclicBarrier start = new CyclicBarrier(writers);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int first = w + 1;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perWriter; i++) {
                        long s = first + (long) i * writers; // interleaved, each writer rising
                        Versions.put(map, k("x"), v(Long.toString(s)), s);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long expect = (long) writers * perWriter;
        int n = 0;
        for (Version x = map.get(k("x")); x != null; x = x.older(), expect--, n++) {
            assertEquals(expect, x.sequence());
            assertEquals(Long.toString(expect), x.value().toUtf8String());
        }
        assertEquals(writers * perWriter, n);
    }
}
