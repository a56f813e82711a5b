package dev.memtable.arena;

import static dev.memtable.arena.Tables.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Versions in the arena table: one node per {@code (key, sequence)}, ordered by key ascending and
 * sequence descending. The named cases; the random ones are in {@link ArenaDifferentialTest} and
 * the concurrent ones in {@link ArenaConcurrencyTest}.
 */
class ArenaVersionsTest {

    // ------------------------------------------------------------------ puts

    @Test
    void put_outOfOrderSequences_newestIsTheHighestNotTheLastInserted() throws IOException {
        try (ArenaMemTable table = Tables.table()) {
            table.put(utf8("k"), utf8("v5"), 5);
            table.put(utf8("k"), utf8("v9"), 9);
            table.put(utf8("k"), utf8("v7"), 7);
            table.put(utf8("k"), utf8("v1"), 1);
            assertEquals(Optional.of(utf8("v9")), table.get(utf8("k")));
            assertEquals(9, table.lastSequence());
            assertEquals(List.of("k@9=v9", "k@7=v7", "k@5=v5", "k@1=v1"),
                    versions(table, Bound.unbounded(), Bound.unbounded()));
            assertEquals(4, ArenaConcurrencyTest.checkStructure(table.list()));
        }
    }

    @Test
    void put_equalSequence_replacesThatVersionOnly() throws IOException {
        try (ArenaMemTable table = Tables.tinyChunkTable()) {
            table.put(utf8("k"), utf8("a"), 5);
            table.put(utf8("k"), utf8("b"), 6);
            Bytes handedOut = table.get(utf8("k"), 5).orElseThrow();
            table.put(utf8("k"), utf8("c, longer than a"), 5);
            assertEquals(Optional.of(utf8("c, longer than a")), table.get(utf8("k"), 5));
            assertEquals(Optional.of(utf8("b")), table.get(utf8("k"), 6));
            assertEquals(utf8("a"), handedOut, "a value handed out never changes");
            table.delete(utf8("k"), 6);
            assertEquals(Optional.of(Bytes.EMPTY), table.get(utf8("k")));
            table.put(utf8("k"), utf8("d"), 6);
            assertEquals(Optional.of(utf8("d")), table.get(utf8("k")));
            assertEquals(List.of("k@6=d", "k@5=c, longer than a"),
                    versions(table, Bound.unbounded(), Bound.unbounded()));
            assertEquals(2, ArenaConcurrencyTest.checkStructure(table.list()),
                    "a rewrite adds no node");
            assertEquals(5 * (1 + MemTable.VERSION_BYTES) + 1 + 1 + 16 + 1,
                    table.approximateSize(), "every write counts, rewrites included");
        }
    }

    @Test
    void put_unversionedAfterVersioned_takesTheNextSequenceAndBecomesNewest() throws IOException {
        try (MemTable table = Tables.table()) {
            table.put(utf8("k"), utf8("old"), 100);
            table.put(utf8("k"), utf8("new"));
            assertEquals(101, table.lastSequence());
            assertEquals(Optional.of(utf8("new")), table.get(utf8("k")));
            assertEquals(Optional.of(utf8("old")), table.get(utf8("k"), 100));
        }
    }

    @Test
    void put_manyVersionsOfOneKeyInRandomOrder_everyReadSequenceFindsItsVersion()
            throws IOException {
        int count = 2_000;
        List<Integer> order = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(3));
        try (ArenaMemTable table = Tables.tinyChunkTable()) {
            table.put(utf8("before"), utf8("x"), 1);
            table.put(utf8("key-after"), utf8("y"), 1);
            for (int i : order) {
                // Sequences 2, 4, .. 2 * count; a tombstone every tenth.
                table.put(utf8("key"), i % 10 == 0 ? Bytes.EMPTY : utf8("v" + i), 2L * i);
            }
            for (long s = 0; s <= 2L * count + 1; s++) {
                long visible = Math.min(s / 2, count);
                Optional<Bytes> expected = visible == 0 ? Optional.empty()
                        : Optional.of(visible % 10 == 0 ? Bytes.EMPTY : utf8("v" + visible));
                assertEquals(expected, table.get(utf8("key"), s), "at " + s);
            }
            assertEquals(count + 2, ArenaConcurrencyTest.checkStructure(table.list()));
        }
    }

    // ------------------------------------------------------------------ gets

    @Test
    void get_atTheBoundaryOneBelowAndZero() throws IOException {
        try (MemTable table = Tables.table()) {
            table.put(utf8("k"), utf8("v10"), 10);
            table.put(utf8("k"), utf8("v30"), 30);
            table.put(utf8("k"), utf8("v20"), 20);
            table.delete(utf8("k"), 25);
            assertEquals(Optional.of(utf8("v30")), table.get(utf8("k"), Long.MAX_VALUE));
            assertEquals(Optional.of(utf8("v30")), table.get(utf8("k"), MemTable.MAX_SEQUENCE));
            assertEquals(Optional.of(utf8("v30")), table.get(utf8("k"), 31));
            assertEquals(Optional.of(utf8("v30")), table.get(utf8("k"), 30));
            assertEquals(Optional.of(Bytes.EMPTY), table.get(utf8("k"), 29));
            assertEquals(Optional.of(Bytes.EMPTY), table.get(utf8("k"), 25));
            assertEquals(Optional.of(utf8("v20")), table.get(utf8("k"), 24));
            assertEquals(Optional.of(utf8("v20")), table.get(utf8("k"), 20));
            assertEquals(Optional.of(utf8("v10")), table.get(utf8("k"), 19));
            assertEquals(Optional.of(utf8("v10")), table.get(utf8("k"), 10));
            assertEquals(Optional.empty(), table.get(utf8("k"), 9));
            assertEquals(Optional.empty(), table.get(utf8("k"), 1));
            assertEquals(Optional.empty(), table.get(utf8("k"), 0));
        }
    }

    @Test
    void get_belowEveryVersion_doesNotLeakTheNextKey() throws IOException {
        // The first node after (key, s) belongs to the next key: short keys, prefixes of each
        // other, and long keys that share their 8-byte prefix.
        byte[] longA = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        byte[] longB = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0};
        try (MemTable table = Tables.table()) {
            table.put(utf8("a"), utf8("a"), 10);
            table.put(utf8("ab"), utf8("ab"), 1);
            table.put(Bytes.wrap(longA), utf8("A"), 10);
            table.put(Bytes.wrap(longB), utf8("B"), 1);
            table.put(Bytes.EMPTY, utf8("empty"), 10);
            assertEquals(Optional.empty(), table.get(utf8("a"), 5));
            assertEquals(Optional.empty(), table.get(Bytes.wrap(longA), 5));
            assertEquals(Optional.empty(), table.get(Bytes.EMPTY, 5));
            assertEquals(Optional.of(utf8("ab")), table.get(utf8("ab"), 5));
            assertEquals(Optional.of(utf8("B")), table.get(Bytes.wrap(longB), 5));
            assertEquals(Optional.empty(), table.get(utf8("zz"), Long.MAX_VALUE));
        }
    }

    // ------------------------------------------------------------------ scans

    @Test
    void scan_atASequence_skipsInvisibleVersionsAndKeysWithNone() throws IOException {
        try (MemTable table = fourKeys()) {
            assertEquals(List.of("a@1=a1", "c@4=", "d@2=d2"),
                    scan(table, Bound.unbounded(), Bound.unbounded(), 4));
            assertEquals(List.of("a@5=a5", "b@7=b7", "c@4=", "d@2=d2"),
                    scan(table, Bound.unbounded(), Bound.unbounded(), Long.MAX_VALUE));
            assertEquals(List.of("a@5=a5", "b@7=b7", "c@4=", "d@2=d2"),
                    scanOf(table, 7, 8, MemTable.MAX_SEQUENCE));
            assertEquals(List.of("a@5=a5", "c@4=", "d@2=d2"), scanOf(table, 5, 6));
            assertEquals(List.of("a@1=a1", "c@3=c3", "d@2=d2"), scanOf(table, 3));
            assertEquals(List.of("a@1=a1", "d@2=d2"), scanOf(table, 2));
            assertEquals(List.of("a@1=a1"), scanOf(table, 1));
            assertEquals(List.of(), scanOf(table, 0));
            // Bounds on keys whose versions are partly visible.
            assertEquals(List.of("c@4=", "d@2=d2"),
                    scan(table, Bound.excluded(utf8("a")), Bound.unbounded(), 4));
            assertEquals(List.of("a@1=a1", "c@4="),
                    scan(table, Bound.unbounded(), Bound.included(utf8("c")), 4));
            assertEquals(List.of("a@1=a1"),
                    scan(table, Bound.unbounded(), Bound.excluded(utf8("c")), 4));
            assertEquals(List.of(),
                    scan(table, Bound.included(utf8("b")), Bound.included(utf8("b")), 6));
            assertEquals(List.of("b@7=b7"),
                    scan(table, Bound.included(utf8("b")), Bound.included(utf8("b")), 7));
        }
    }

    @Test
    void scan_unversionedOverwrites_yieldEachKeyOnceWithItsNewestValue() throws IOException {
        try (MemTable table = Tables.tinyChunkTable()) {
            for (int round = 0; round < 5; round++) {
                for (int k = 0; k < 100; k++) {
                    table.put(utf8("k" + (1000 + k)), utf8("r" + round));
                }
            }
            List<String> scanned = scan(table, Bound.unbounded(), Bound.unbounded(),
                    Long.MAX_VALUE);
            assertEquals(100, scanned.size());
            for (int k = 0; k < 100; k++) {
                assertEquals("k" + (1000 + k) + "@" + (401 + k) + "=r4", scanned.get(k));
            }
        }
    }

    @Test
    void scan_olderVersionInsertedBehindTheCursor_isNotYieldedAsASecondEntry()
            throws IOException {
        try (MemTable table = Tables.table()) {
            table.put(utf8("a"), utf8("a5"), 5);
            table.put(utf8("b"), utf8("b5"), 5);
            try (MemTableIterator it = table.scan(Bound.unbounded(), Bound.unbounded())) {
                assertEquals(utf8("a"), it.key());
                assertEquals(5, it.sequence());
                table.put(utf8("a"), utf8("a3"), 3); // after the cursor in the order, same key
                table.put(utf8("a"), utf8("a9"), 9); // before the cursor
                it.next();
                assertEquals(utf8("b"), it.key());
                it.next();
                assertFalse(it.isValid());
            }
            assertEquals(List.of("a@9=a9", "b@5=b5"),
                    scan(table, Bound.unbounded(), Bound.unbounded(), Long.MAX_VALUE));
        }
    }

    // ------------------------------------------------------------------ versions

    @Test
    void versions_keysAscendingSequencesDescendingTombstonesIncluded() throws IOException {
        try (MemTable table = fourKeys()) {
            List<String> all = List.of("a@5=a5", "a@1=a1", "b@7=b7", "c@4=", "c@3=c3", "d@2=d2");
            assertEquals(all, versions(table, Bound.unbounded(), Bound.unbounded()));
            assertEquals(all.subList(2, 5),
                    versions(table, Bound.excluded(utf8("a")), Bound.excluded(utf8("d"))));
            assertEquals(all.subList(0, 5),
                    versions(table, Bound.included(utf8("a")), Bound.included(utf8("c"))));
            assertEquals(all.subList(3, 5),
                    versions(table, Bound.included(utf8("bb")), Bound.included(utf8("c"))));
        }
    }

    @Test
    void iterator_sequenceWhenInvalid_throwsNoSuchElement() throws IOException {
        try (MemTable table = fourKeys()) {
            for (MemTableIterator it : List.of(
                    table.scan(Bound.excluded(utf8("d")), Bound.unbounded(), 10),
                    table.versions(Bound.excluded(utf8("d")), Bound.unbounded()),
                    table.scan(Bound.unbounded(), Bound.unbounded(), 0))) {
                assertFalse(it.isValid());
                assertThrows(NoSuchElementException.class, it::sequence);
                it.close();
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** a@1, a@5, b@7, c@3, c@4 (a tombstone), d@2; written out of order. */
    private static ArenaMemTable fourKeys() {
        ArenaMemTable table = Tables.table();
        table.put(utf8("c"), utf8("c3"), 3);
        table.put(utf8("a"), utf8("a5"), 5);
        table.put(utf8("d"), utf8("d2"), 2);
        table.put(utf8("b"), utf8("b7"), 7);
        table.delete(utf8("c"), 4);
        table.put(utf8("a"), utf8("a1"), 1);
        assertTrue(ArenaConcurrencyTest.checkStructure(table.list()) == 6);
        return table;
    }

    /** Scans the whole table at each sequence; all must agree; returns the first. */
    private static List<String> scanOf(MemTable table, long... sequences) {
        List<String> first = scan(table, Bound.unbounded(), Bound.unbounded(), sequences[0]);
        for (long s : sequences) {
            assertEquals(first, scan(table, Bound.unbounded(), Bound.unbounded(), s), "at " + s);
        }
        return first;
    }

    private static List<String> scan(MemTable table, Bound lower, Bound upper, long sequence) {
        try (MemTableIterator it = table.scan(lower, upper, sequence)) {
            return entries(it);
        }
    }

    private static List<String> versions(MemTable table, Bound lower, Bound upper) {
        try (MemTableIterator it = table.versions(lower, upper)) {
            return entries(it);
        }
    }

    /** Each entry as {@code key@sequence=value}. */
    private static List<String> entries(MemTableIterator it) {
        List<String> out = new ArrayList<>();
        for (; it.isValid(); it.next()) {
            out.add(it.key().toUtf8String() + "@" + it.sequence() + "=" + it.value().toUtf8String());
        }
        return out;
    }
}
