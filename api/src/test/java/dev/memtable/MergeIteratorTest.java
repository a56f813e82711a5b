package dev.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.spi.MapTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MergeIteratorTest {

    /**
     * A sorted source over fixed entries that counts how often it is closed. Unless built with
     * {@link #versioned}, every entry has sequence 1, so equal keys tie and the source order
     * decides.
     */
    static class Source implements MemTableIterator {
        private final List<Map.Entry<Bytes, Bytes>> entries = new ArrayList<>();
        private final List<Long> sequences = new ArrayList<>();
        private int index;
        int closes;

        /** {@code pairs}: key, value, key, value…; the value "" is a tombstone. */
        Source(String... pairs) {
            TreeMap<Bytes, Bytes> sorted = new TreeMap<>();
            for (int i = 0; i < pairs.length; i += 2) {
                sorted.put(Bytes.ofUtf8(pairs[i]), Bytes.ofUtf8(pairs[i + 1]));
            }
            add(sorted);
        }

        Source(TreeMap<Bytes, Bytes> sorted) {
            add(sorted);
        }

        private Source() {
        }

        private void add(TreeMap<Bytes, Bytes> sorted) {
            entries.addAll(sorted.entrySet());
            sorted.forEach((k, v) -> sequences.add(1L));
        }

        /** {@code triples}: key, sequence, value, … in ascending key order. */
        static Source versioned(Object... triples) {
            Source s = new Source();
            for (int i = 0; i < triples.length; i += 3) {
                s.entries.add(Map.entry(Bytes.ofUtf8((String) triples[i]),
                        Bytes.ofUtf8((String) triples[i + 2])));
                s.sequences.add(((Number) triples[i + 1]).longValue());
            }
            return s;
        }

        @Override
        public boolean isValid() {
            return index < entries.size();
        }

        @Override
        public Bytes key() {
            if (!isValid()) {
                throw new NoSuchElementException();
            }
            return entries.get(index).getKey();
        }

        @Override
        public Bytes value() {
            if (!isValid()) {
                throw new NoSuchElementException();
            }
            return entries.get(index).getValue();
        }

        @Override
        public long sequence() {
            if (!isValid()) {
                throw new NoSuchElementException();
            }
            return sequences.get(index);
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

    /** Drains the iterator into key → value (a tombstone as ""), checking strict ascent. */
    static Map<String, String> drain(MemTableIterator it) {
        Map<String, String> out = new LinkedHashMap<>();
        Bytes previous = null;
        for (; it.isValid(); it.next()) {
            Bytes key = it.key();
            if (previous != null) {
                assertTrue(previous.compareTo(key) < 0, "keys must ascend strictly: " + previous
                        + " then " + key);
            }
            previous = key;
            out.put(key.toUtf8String(), it.value().toUtf8String());
        }
        return out;
    }

    @Test
    void withTombstones_newestSourceWinsTies() {
        try (MergeIterator it = MergeIterator.withTombstones(List.of(
                new Source("k", "new", "a", "a0"),
                new Source("k", "mid", "b", "b1"),
                new Source("k", "old", "a", "a2", "z", "z2")))) {
            assertEquals(Map.of("a", "a0", "b", "b1", "k", "new", "z", "z2"), drain(it));
        }
    }

    @Test
    void withTombstones_tieOnLaterKeysAlsoResolvedByIndex() {
        // The older source reaches the shared key "m" first in heap order only if ties were
        // broken by anything but the index.
        try (MergeIterator it = MergeIterator.withTombstones(List.of(
                new Source("c", "1", "m", "newest"),
                new Source("a", "2", "m", "older", "q", "2"),
                new Source("m", "oldest")))) {
            assertEquals(List.of("a=2", "c=1", "m=newest", "q=2"), pairs(drain(it)));
        }
    }

    @Test
    void withTombstones_yieldsNewestTombstone() {
        try (MergeIterator it = MergeIterator.withTombstones(List.of(
                new Source("k", ""), new Source("k", "old", "j", "live")))) {
            assertFalse(it.dropsTombstones());
            assertEquals(Map.of("j", "live", "k", ""), drain(it));
        }
    }

    @Test
    void liveOnly_newerTombstoneHidesOlderValue() {
        try (MergeIterator it = MergeIterator.liveOnly(List.of(
                new Source("k", ""), new Source("k", "old", "j", "live")))) {
            assertTrue(it.dropsTombstones());
            assertEquals(Map.of("j", "live"), drain(it));
        }
    }

    @Test
    void liveOnly_olderTombstoneDoesNotHideNewerValue() {
        try (MergeIterator it = MergeIterator.liveOnly(List.of(
                new Source("k", "new"), new Source("k", "")))) {
            assertEquals(Map.of("k", "new"), drain(it));
        }
    }

    @Test
    void liveOnly_onlyTombstonesIsEmpty() {
        try (MergeIterator it = MergeIterator.liveOnly(List.of(
                new Source("a", "", "b", ""), new Source("c", "")))) {
            assertFalse(it.isValid());
        }
    }

    @Test
    void liveOnly_leadingTombstonesSkippedToFirstLiveEntry() {
        try (MergeIterator it = MergeIterator.liveOnly(List.of(
                new Source("a", "", "b", "", "d", "4"), new Source("a", "1", "c", "3")))) {
            assertTrue(it.isValid());
            assertEquals(Bytes.ofUtf8("c"), it.key());
            assertEquals(Map.of("c", "3", "d", "4"), drain(it));
        }
    }

    // ------------------------------------------------------------ sequences

    /** Drains the iterator into "key@sequence=value". */
    private static List<String> versions(MemTableIterator it) {
        List<String> out = new ArrayList<>();
        for (; it.isValid(); it.next()) {
            out.add(it.key().toUtf8String() + "@" + it.sequence() + "="
                    + it.value().toUtf8String());
        }
        return out;
    }

    @Test
    void equalKeys_resolvedByHighestSequence_evenWhenAnOlderSourceHasIt() {
        try (MergeIterator it = MergeIterator.withTombstones(List.of(
                Source.versioned("a", 4, "new-src", "k", 3, "new-src", "z", 9, "new-src"),
                Source.versioned("k", 7, "mid-src", "z", 2, "mid-src"),
                Source.versioned("a", 5, "old-src", "k", 6, "old-src", "m", 1, "old-src")))) {
            assertEquals(List.of("a@5=old-src", "k@7=mid-src", "m@1=old-src", "z@9=new-src"),
                    versions(it));
        }
    }

    @Test
    void equalKeysAtEqualSequences_goToTheNewestSource() {
        try (MergeIterator it = MergeIterator.withTombstones(List.of(
                Source.versioned("k", 5, "src0", "q", 2, "src0"),
                Source.versioned("k", 5, "src1", "q", 2, "src1"),
                Source.versioned("k", 5, "src2", "q", 3, "src2")))) {
            assertEquals(List.of("k@5=src0", "q@3=src2"), versions(it));
        }
        try (MergeIterator it = MergeIterator.withTombstones(List.of(
                Source.versioned("k", 4, "src0"),
                Source.versioned("k", 8, "src1"),
                Source.versioned("k", 8, "src2")))) {
            assertEquals(List.of("k@8=src1"), versions(it),
                    "the tie among the highest is broken by source age, not the lowest sequence");
        }
    }

    @Test
    void sequence_isTheWinningVersions_andInvalidOrClosedAccessThrows() {
        MergeIterator it = MergeIterator.withTombstones(List.of(
                Source.versioned("a", 2, "x"), Source.versioned("a", 11, "y", "b", 6, "z")));
        assertEquals(11, it.sequence());
        assertEquals(Bytes.ofUtf8("y"), it.value());
        it.next();
        assertEquals(6, it.sequence());
        it.next();
        assertFalse(it.isValid());
        assertThrows(NoSuchElementException.class, it::sequence);
        it.close();
        assertThrows(IllegalStateException.class, it::sequence);
    }

    @Test
    void liveOnly_dropsAKeyWhoseWinningVersionIsATombstone_byItsSequence() {
        List<Source> older = List.of(
                Source.versioned("j", 1, "live", "k", 3, "live", "m", 9, "live"),
                Source.versioned("k", 7, "", "m", 4, ""));
        try (MergeIterator it = MergeIterator.liveOnly(older)) {
            assertEquals(List.of("j@1=live", "m@9=live"), versions(it),
                    "k's tombstone at 7 in the older source beats the newer source's value at 3;"
                            + " m's value at 9 beats the tombstone at 4");
        }
        try (MergeIterator it = MergeIterator.withTombstones(List.of(
                Source.versioned("j", 1, "live", "k", 3, "live", "m", 9, "live"),
                Source.versioned("k", 7, "", "m", 4, "")))) {
            assertEquals(List.of("j@1=live", "k@7=", "m@9=live"), versions(it));
        }
    }

    @Test
    void merge_randomVersionedSourcesMatchHighestSequenceThenNewestSourceModel() {
        Random random = new Random(20261201L);
        for (int round = 0; round < 300; round++) {
            int k = 1 + random.nextInt(5);
            List<TreeMap<Bytes, long[]>> maps = new ArrayList<>(); // key -> {sequence, value id}
            for (int s = 0; s < k; s++) {
                TreeMap<Bytes, long[]> m = new TreeMap<>();
                int n = random.nextInt(30);
                for (int i = 0; i < n; i++) {
                    m.put(Bytes.wrap(new byte[] {(byte) random.nextInt(40)}),
                            new long[] {1 + random.nextInt(6), random.nextInt(4) == 0 ? -1 : i});
                }
                maps.add(m);
            }
            // Model: for each key the highest sequence wins; at equal sequences the lowest index.
            TreeMap<Bytes, String> expected = new TreeMap<>();
            TreeMap<Bytes, Long> best = new TreeMap<>();
            List<Source> withTs = new ArrayList<>();
            List<Source> live = new ArrayList<>();
            for (int s = 0; s < k; s++) {
                List<Object> triples = new ArrayList<>();
                for (Map.Entry<Bytes, long[]> e : maps.get(s).entrySet()) {
                    long seq = e.getValue()[0];
                    String value = e.getValue()[1] < 0 ? "" : "s" + s + "-" + e.getValue()[1];
                    triples.add(e.getKey().toUtf8String());
                    triples.add(seq);
                    triples.add(value);
                    Long had = best.get(e.getKey());
                    if (had == null || seq > had) {
                        best.put(e.getKey(), seq);
                        expected.put(e.getKey(), e.getKey().toUtf8String() + "@" + seq + "="
                                + value);
                    }
                }
                withTs.add(Source.versioned(triples.toArray()));
                live.add(Source.versioned(triples.toArray()));
            }
            try (MergeIterator it = MergeIterator.withTombstones(withTs)) {
                assertEquals(new ArrayList<>(expected.values()), versions(it), "round " + round);
            }
            expected.values().removeIf(v -> v.endsWith("="));
            try (MergeIterator it = MergeIterator.liveOnly(live)) {
                assertEquals(new ArrayList<>(expected.values()), versions(it), "round " + round);
            }
        }
    }

    @Test
    void create_emptyListIsEmpty() {
        try (MergeIterator it = MergeIterator.withTombstones(List.of())) {
            assertFalse(it.isValid());
            it.next(); // harmless
            assertFalse(it.isValid());
        }
    }

    @Test
    void create_allSourcesEmptyIsEmpty() {
        try (MergeIterator it = MergeIterator.liveOnly(List.of(new Source(), new Source()))) {
            assertFalse(it.isValid());
        }
    }

    @Test
    void create_emptySourcesAmongOthersAreSkipped() {
        try (MergeIterator it = MergeIterator.withTombstones(List.of(
                new Source(), new Source("b", "1"), new Source(), new Source("a", "2")))) {
            assertEquals(List.of("a=2", "b=1"), pairs(drain(it)));
        }
    }

    @Test
    void scan_boundedSourcesMergeWithinTheirBounds() throws Exception {
        try (MemTable newer = new MapTable(2); MemTable older = new MapTable(1)) {
            for (String k : List.of("a", "c", "e", "g")) {
                newer.put(Bytes.ofUtf8(k), Bytes.ofUtf8("new"));
            }
            for (String k : List.of("b", "c", "d", "f", "h")) {
                older.put(Bytes.ofUtf8(k), Bytes.ofUtf8("old"));
            }
            Bound lower = Bound.excluded(Bytes.ofUtf8("b"));
            Bound upper = Bound.included(Bytes.ofUtf8("f"));
            try (MergeIterator it = MergeIterator.liveOnly(List.of(
                    newer.scan(lower, upper), older.scan(lower, upper)))) {
                assertEquals(List.of("c=new", "d=old", "e=new", "f=old"), pairs(drain(it)));
            }
        }
    }

    @Test
    void next_pastEndIsHarmless() {
        try (MergeIterator it = MergeIterator.withTombstones(List.of(new Source("a", "1")))) {
            it.next();
            assertFalse(it.isValid());
            it.next();
            assertFalse(it.isValid());
            assertThrows(NoSuchElementException.class, it::key);
            assertThrows(NoSuchElementException.class, it::value);
        }
    }

    @Test
    void close_closesEverySourceOnceAndRefusesUse() {
        Source a = new Source("a", "1");
        Source b = new Source();
        MergeIterator it = MergeIterator.withTombstones(List.of(a, b));
        assertTrue(it.isValid());
        it.close();
        it.close();
        assertEquals(1, a.closes);
        assertEquals(1, b.closes);
        assertFalse(it.isValid());
        IllegalStateException e = assertThrows(IllegalStateException.class, it::key);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, it::value);
        assertThrows(IllegalStateException.class, it::next);
    }

    @Test
    void create_nullListRejected() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> MergeIterator.liveOnly(null));
        assertEquals("newestFirst", e.getMessage());
    }

    @Test
    void create_nullSourceRejectedAndOthersClosed() {
        Source a = new Source("a", "1");
        Source c = new Source("c", "1");
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> MergeIterator.withTombstones(Arrays.asList(a, null, c)));
        assertEquals("newestFirst[1] is null", e.getMessage());
        assertEquals(1, a.closes);
        assertEquals(1, c.closes);
    }

    @Test
    void create_failingSourceClosesAllAndRethrows() {
        Source good = new Source("a", "1");
        MemTableIterator broken = new Source("b", "2") {
            @Override
            public Bytes key() {
                throw new IllegalStateException("memtable 7 is closed");
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MergeIterator.withTombstones(List.of(good, broken)));
        assertEquals("memtable 7 is closed", e.getMessage());
        assertEquals(1, good.closes);
        assertEquals(1, ((Source) broken).closes);
    }

    @Test
    void isValid_falseOnceTheCurrentSourcesTableIsClosed() throws Exception {
        MemTable table = new MapTable(1);
        table.put(Bytes.ofUtf8("a"), Bytes.ofUtf8("1"));
        table.put(Bytes.ofUtf8("b"), Bytes.ofUtf8("2"));
        try (MergeIterator it = MergeIterator.liveOnly(List.of(
                table.scan(Bound.unbounded(), Bound.unbounded())))) {
            assertTrue(it.isValid());
            table.close();
            assertFalse(it.isValid());
            assertThrows(IllegalStateException.class, it::key);
            assertThrows(IllegalStateException.class, it::next);
        }
    }

    @Test
    void merge_randomSourcesMatchNewestWinsModel() {
        Random random = new Random(20240917L);
        for (int round = 0; round < 300; round++) {
            int k = 1 + random.nextInt(6);
            List<TreeMap<Bytes, Bytes>> maps = new ArrayList<>();
            for (int s = 0; s < k; s++) {
                TreeMap<Bytes, Bytes> m = new TreeMap<>();
                int n = random.nextInt(40);
                for (int i = 0; i < n; i++) {
                    byte[] key = {(byte) random.nextInt(256), (byte) random.nextInt(3)};
                    Bytes value = random.nextInt(4) == 0 ? Bytes.EMPTY
                            : Bytes.ofUtf8("s" + s + "-" + i);
                    m.put(Bytes.wrap(key), value);
                }
                maps.add(m);
            }
            // Model: walk the sources oldest to newest so newer versions overwrite.
            TreeMap<Bytes, Bytes> expected = new TreeMap<>();
            for (int s = k - 1; s >= 0; s--) {
                expected.putAll(maps.get(s));
            }
            List<Source> withTs = new ArrayList<>();
            List<Source> live = new ArrayList<>();
            for (TreeMap<Bytes, Bytes> m : maps) {
                withTs.add(new Source(m));
                live.add(new Source(m));
            }
            try (MergeIterator it = MergeIterator.withTombstones(withTs)) {
                assertEquals(expected, toMap(it), "round " + round);
            }
            expected.values().removeIf(Bytes::isEmpty);
            try (MergeIterator it = MergeIterator.liveOnly(live)) {
                assertEquals(expected, toMap(it), "round " + round);
            }
        }
    }

    @Test
    void value_isTheNewestSourcesInstance() {
        Source newest = new Source("k", "v");
        Bytes expected = newest.entries.get(0).getValue();
        try (MergeIterator it = MergeIterator.withTombstones(List.of(newest,
                new Source("k", "v")))) {
            assertSame(expected, it.value());
        }
    }

    private static TreeMap<Bytes, Bytes> toMap(MemTableIterator it) {
        TreeMap<Bytes, Bytes> out = new TreeMap<>();
        Bytes previous = null;
        for (; it.isValid(); it.next()) {
            if (previous != null) {
                assertTrue(previous.compareTo(it.key()) < 0, "strictly ascending");
            }
            previous = it.key();
            out.put(it.key(), it.value());
        }
        return out;
    }

    private static List<String> pairs(Map<String, String> m) {
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }
}
