package dev.memtable.arena;

import static dev.memtable.arena.Tables.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.MemTables;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Capability;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The arena table through the public {@link MemTable} interface: the cases worth naming. */
class ArenaMemTableBehaviorTest {

    private static final List<String> KEYS = List.of("b", "d", "f", "h");

    // ------------------------------------------------------------------ provider

    @Test
    void provider_isFoundByNameWithWalAndConcurrentWrites() {
        assertTrue(MemTables.provider("arena") instanceof ArenaMemTableProvider);
        ArenaMemTableProvider provider = new ArenaMemTableProvider();
        assertEquals("arena", provider.name());
        assertEquals(Set.of(Capability.WAL, Capability.CONCURRENT_WRITES),
                provider.capabilities());
    }

    @Test
    void create_returnsAnEmptyTableWithTheId() throws IOException {
        try (MemTable table = new ArenaMemTableProvider().create(42)) {
            assertEquals(42, table.id());
            assertTrue(table.isEmpty());
            assertEquals(0, table.approximateSize());
            assertFalse(table.scan(Bound.unbounded(), Bound.unbounded()).isValid());
        }
    }

    // ------------------------------------------------------------------ scans

    @Test
    void scan_everyBoundKindOnKeysAndBetweenKeys() throws IOException {
        try (MemTable table = Tables.table()) {
            for (String k : KEYS) {
                table.put(utf8(k), utf8("v" + k));
            }
            List<Bound> bounds = new ArrayList<>();
            bounds.add(Bound.unbounded());
            for (String k : List.of("a", "b", "c", "d", "h", "i")) {
                bounds.add(Bound.included(utf8(k)));
                bounds.add(Bound.excluded(utf8(k)));
            }
            for (Bound lower : bounds) {
                for (Bound upper : bounds) {
                    List<String> expected = new ArrayList<>();
                    for (String k : KEYS) {
                        if (!Bound.isEmptyRange(lower, upper) && lower.admitsFromBelow(utf8(k))
                                && upper.admitsFromAbove(utf8(k))) {
                            expected.add(k);
                        }
                    }
                    assertEquals(expected, keys(table, lower, upper), lower + " .. " + upper);
                }
            }
        }
    }

    @Test
    void scan_everyBoundKindOnAnEmptyTable_isInvalid() throws IOException {
        try (MemTable table = Tables.table()) {
            List<Bound> bounds = List.of(Bound.unbounded(), Bound.included(utf8("k")),
                    Bound.excluded(utf8("k")));
            for (Bound lower : bounds) {
                for (Bound upper : bounds) {
                    assertEquals(List.of(), keys(table, lower, upper), lower + " .. " + upper);
                }
            }
        }
    }

    @Test
    void scan_lowerBoundSeeksPastPrefixesAndSignBytes() throws IOException {
        try (MemTable table = Tables.table()) {
            byte[][] keys = {{}, {0x00}, {0x00, 0x00}, {0x7f}, {(byte) 0x80}, {(byte) 0xff},
                {(byte) 0xff, 0x00}};
            for (byte[] k : keys) {
                table.put(Bytes.wrap(k), Bytes.wrap(new byte[] {1}));
            }
            for (int i = 0; i < keys.length; i++) {
                try (MemTableIterator it = table.scan(Bound.excluded(Bytes.wrap(keys[i])),
                        Bound.unbounded())) {
                    if (i + 1 < keys.length) {
                        assertArrayEquals(keys[i + 1], it.key().toByteArray(), "after key " + i);
                    } else {
                        assertFalse(it.isValid());
                    }
                }
                try (MemTableIterator it = table.scan(Bound.included(Bytes.wrap(keys[i])),
                        Bound.included(Bytes.wrap(keys[i])))) {
                    assertArrayEquals(keys[i], it.key().toByteArray(), "key " + i);
                    it.next();
                    assertFalse(it.isValid());
                }
            }
        }
    }

    @Test
    void scan_manyKeys_everySeekAgreesWithASortedArray() throws IOException {
        Random random = new Random(5);
        byte[][] keys = new byte[3_000][];
        try (MemTable table = Tables.tinyChunkTable()) {
            for (int i = 0; i < keys.length; i++) {
                keys[i] = Tables.randomBytes(random, 1 + random.nextInt(3));
                table.put(Bytes.wrap(keys[i]), Bytes.wrap(keys[i]));
            }
            byte[][] sorted = Arrays.stream(keys).distinct().map(Bytes::wrap).sorted()
                    .map(Bytes::toByteArray).toArray(byte[][]::new);
            for (int probe = 0; probe < 500; probe++) {
                byte[] from = Tables.randomBytes(random, random.nextInt(4));
                int at = 0;
                while (at < sorted.length && Arrays.compareUnsigned(sorted[at], from) < 0) {
                    at++;
                }
                try (MemTableIterator it = table.scan(Bound.included(Bytes.wrap(from)),
                        Bound.unbounded())) {
                    if (at == sorted.length) {
                        assertFalse(it.isValid());
                    } else {
                        assertArrayEquals(sorted[at], it.key().toByteArray());
                        assertArrayEquals(sorted[at], it.value().toByteArray());
                    }
                }
            }
        }
    }

    @Test
    void scan_seesKeysInsertedAheadOfTheCursorButNotBehindIt() throws IOException {
        try (MemTable table = Tables.table()) {
            table.put(utf8("b"), utf8("1"));
            table.put(utf8("d"), utf8("1"));
            try (MemTableIterator it = table.scan(Bound.unbounded(), Bound.unbounded())) {
                assertEquals(utf8("b"), it.key());
                table.put(utf8("a"), utf8("1"));
                table.put(utf8("c"), utf8("1"));
                it.next();
                assertEquals(utf8("c"), it.key());
                it.next();
                assertEquals(utf8("d"), it.key());
                it.next();
                assertFalse(it.isValid());
            }
        }
    }

    @Test
    void scan_valueIsTheOneCurrentWhenTheCursorArrived() throws IOException {
        try (MemTable table = Tables.table()) {
            table.put(utf8("k"), utf8("old"), 5);
            try (MemTableIterator it = table.scan(Bound.unbounded(), Bound.unbounded());
                 MemTableIterator all = table.versions(Bound.unbounded(), Bound.unbounded())) {
                // A rewrite of the same version replaces the node's value word in place.
                table.put(utf8("k"), utf8("new"), 5);
                assertEquals(utf8("old"), it.value());
                assertEquals(utf8("old"), it.value());
                assertEquals(utf8("old"), all.value());
                // A newer version is a node before the cursor: not seen.
                table.put(utf8("k"), utf8("newer"), 6);
                assertEquals(5, it.sequence());
                it.next();
                assertFalse(it.isValid());
            }
            assertEquals(Optional.of(utf8("new")), table.get(utf8("k"), 5));
            assertEquals(Optional.of(utf8("newer")), table.get(utf8("k")));
        }
    }

    @Test
    void iterator_keyAndValueWhenInvalid_throwNoSuchElement() throws IOException {
        try (MemTable table = Tables.table()) {
            table.put(utf8("a"), utf8("1"));
            MemTableIterator it = table.scan(Bound.excluded(utf8("a")), Bound.unbounded());
            assertFalse(it.isValid());
            assertThrows(NoSuchElementException.class, it::key);
            assertThrows(NoSuchElementException.class, it::value);
            it.next();
            it.close();
            it.close();
        }
    }

    // ------------------------------------------------------------------ overwrites, tombstones

    @Test
    void put_overwrite_newestValueWinsAndSizeCountsEveryWrite() throws IOException {
        try (MemTable table = Tables.tinyChunkTable()) {
            table.put(utf8("k"), utf8("first"));
            Bytes first = table.get(utf8("k")).orElseThrow();
            table.put(utf8("k"), utf8("a much longer second value"));
            table.put(utf8("k"), utf8("3"));
            assertEquals(Optional.of(utf8("3")), table.get(utf8("k")));
            assertEquals(utf8("first"), first, "a value handed out must never change");
            assertEquals(3 * (1 + MemTable.VERSION_BYTES) + 5 + 26 + 1, table.approximateSize());
            assertEquals(List.of("k"), keys(table, Bound.unbounded(), Bound.unbounded()));
        }
    }

    @Test
    void delete_writesATombstoneThatScansYieldAndAPutReplaces() throws IOException {
        try (MemTable table = Tables.table()) {
            table.delete(utf8("gone"));
            assertFalse(table.isEmpty(), "a tombstone is an entry");
            assertEquals(Optional.of(Bytes.EMPTY), table.get(utf8("gone")));
            table.put(utf8("k"), utf8("v"));
            table.delete(utf8("k"));
            assertEquals(Optional.of(Bytes.EMPTY), table.get(utf8("k")));
            try (MemTableIterator it = table.scan(Bound.unbounded(), Bound.unbounded())) {
                assertEquals(utf8("gone"), it.key());
                assertTrue(it.value().isEmpty());
                it.next();
                assertEquals(utf8("k"), it.key());
                assertTrue(it.value().isEmpty());
            }
            table.put(utf8("k"), utf8("back"));
            assertEquals(Optional.of(utf8("back")), table.get(utf8("k")));
            assertEquals(Optional.empty(), table.get(utf8("never")));
            assertEquals(4 + 1 + 1 + 1 + 1 + 4 + 4 * MemTable.VERSION_BYTES,
                    table.approximateSize());
        }
    }

    @Test
    void write_batchAppliesEveryEntryInOrder() throws IOException {
        try (MemTable table = Tables.table()) {
            table.write(new WriteBatch().put(utf8("a"), utf8("1")).put(utf8("a"), utf8("2"))
                    .delete(utf8("b")).put(utf8("c"), utf8("3")));
            assertEquals(Optional.of(utf8("2")), table.get(utf8("a")));
            assertEquals(Optional.of(Bytes.EMPTY), table.get(utf8("b")));
            assertEquals(List.of("a", "b", "c"), keys(table, Bound.unbounded(), Bound.unbounded()));
        }
    }

    @Test
    void get_emptyKeyIsAnOrdinaryKeySortedFirst() throws IOException {
        try (MemTable table = Tables.table()) {
            table.put(utf8("a"), utf8("1"));
            assertEquals(Optional.empty(), table.get(Bytes.EMPTY));
            table.put(Bytes.EMPTY, utf8("empty"));
            assertEquals(Optional.of(utf8("empty")), table.get(Bytes.EMPTY));
            assertEquals(List.of("", "a"), keys(table, Bound.unbounded(), Bound.unbounded()));
            assertEquals(List.of("a"), keys(table, Bound.excluded(Bytes.EMPTY), Bound.unbounded()));
        }
    }

    // ------------------------------------------------------------------ large entries

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void put_largestKeyAndValue_roundTripAndSortAmongSmallOnes(boolean tinyChunks)
            throws IOException {
        Random random = new Random(11);
        byte[] bigKey = Tables.randomBytes(random, MemTable.MAX_KEY_LENGTH);
        bigKey[0] = 'm';
        byte[] bigValue = Tables.randomBytes(random, MemTable.MAX_VALUE_LENGTH);
        try (MemTable table = tinyChunks ? Tables.tinyChunkTable() : Tables.table()) {
            table.put(utf8("a"), utf8("small"));
            table.put(Bytes.wrap(bigKey), Bytes.wrap(bigValue));
            table.put(utf8("z"), Bytes.wrap(bigValue));
            table.put(Bytes.wrap(Arrays.copyOf(bigKey, 10)), utf8("prefix of the big key"));

            assertArrayEquals(bigValue, table.get(Bytes.wrap(bigKey)).orElseThrow().toByteArray());
            assertArrayEquals(bigValue, table.get(utf8("z")).orElseThrow().toByteArray());
            try (MemTableIterator it = table.scan(Bound.excluded(utf8("a")),
                    Bound.excluded(utf8("z")))) {
                assertArrayEquals(Arrays.copyOf(bigKey, 10), it.key().toByteArray());
                it.next();
                assertArrayEquals(bigKey, it.key().toByteArray());
                assertArrayEquals(bigValue, it.value().toByteArray());
                it.next();
                assertFalse(it.isValid());
            }
            table.put(Bytes.wrap(bigKey), utf8("now small"));
            assertEquals(Optional.of(utf8("now small")), table.get(Bytes.wrap(bigKey)));
            table.put(utf8("a"), Bytes.wrap(bigValue));
            assertArrayEquals(bigValue, table.get(utf8("a")).orElseThrow().toByteArray());
        }
    }

    @Test
    void put_nodesInChunksAbove4095_areFoundAndScannedInOrder() throws IOException {
        // 256-byte chunks: every node of a 60-byte key is over a quarter and gets its own
        // chunk, so node addresses pass 2^31 (chunk 4096) and become negative ints.
        ArenaMemTable table = new ArenaMemTable(5, new Arena("memtable 5", 256, 256,
                Arena.MAX_CHUNKS));
        Random random = new Random(8);
        List<Bytes> keys = new ArrayList<>();
        for (int i = 0; i < 4_300; i++) {
            Bytes key = Bytes.wrap(Tables.randomBytes(random, 60));
            keys.add(key);
            table.put(key, key.slice(0, 4));
        }
        assertTrue(table.list().arena().chunkCount() > 4_096);
        for (Bytes key : keys) {
            assertEquals(Optional.of(key.slice(0, 4)), table.get(key));
        }
        keys.sort(null);
        List<Bytes> scanned = new ArrayList<>();
        try (MemTableIterator it = table.scan(Bound.unbounded(), Bound.unbounded())) {
            for (; it.isValid(); it.next()) {
                scanned.add(it.key());
            }
        }
        assertEquals(keys, scanned);
        table.close();
    }

    // ------------------------------------------------------------------ closing

    @Test
    void close_thenEveryOperation_throwsIllegalStateAndTheMemoryIsDropped() throws IOException {
        ArenaMemTable table = Tables.table();
        table.put(utf8("a"), utf8("1"));
        MemTableIterator open = table.scan(Bound.unbounded(), Bound.unbounded());
        table.close();
        table.close(); // idempotent

        List<Consumer<MemTable>> uses = List.of(
                t -> t.put(utf8("b"), utf8("2")),
                t -> t.delete(utf8("a")),
                t -> t.get(utf8("a")),
                t -> t.scan(Bound.unbounded(), Bound.unbounded()),
                MemTable::isEmpty,
                MemTable::approximateSize,
                t -> t.write(new WriteBatch().put(utf8("c"), utf8("3"))));
        for (Consumer<MemTable> use : uses) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> use.accept(table));
            assertEquals("memtable 1 is closed", e.getMessage());
        }
        assertFalse(open.isValid());
        assertThrows(IllegalStateException.class, open::key);
        assertThrows(IllegalStateException.class, open::value);
        assertThrows(IllegalStateException.class, open::next);
        assertThrows(IllegalStateException.class, table::list, "the list must be dropped");
        // The hooks also refuse on their own, for calls that passed the closed check just
        // before close.
        assertThrows(IllegalStateException.class, () -> table.doGet(utf8("a"), Long.MAX_VALUE));
        assertThrows(IllegalStateException.class, () -> table.doPut(utf8("a"), utf8("1"), 7));
        assertThrows(IllegalStateException.class, table::doIsEmpty);
        assertThrows(IllegalStateException.class,
                () -> table.doScan(Bound.unbounded(), Bound.unbounded(), Long.MAX_VALUE));
        assertThrows(IllegalStateException.class,
                () -> table.doVersions(Bound.unbounded(), Bound.unbounded()));
    }

    @Test
    void put_whenTheArenaIsFull_throwsAndChangesNothing() throws IOException {
        // Two first chunks and one more: a handful of entries fill it.
        ArenaMemTable table = new ArenaMemTable(9, new Arena("memtable 9", 256, 256, 4));
        Random random = new Random(3);
        List<byte[]> stored = new ArrayList<>();
        IllegalStateException full = null;
        for (int i = 0; i < 1_000 && full == null; i++) {
            byte[] key = Tables.randomBytes(random, 8);
            try {
                table.put(Bytes.wrap(key), Bytes.wrap(key));
                stored.add(key);
            } catch (IllegalStateException e) {
                full = e;
            }
        }
        assertTrue(full != null, "the arena never filled");
        assertTrue(full.getMessage().startsWith("memtable 9 is full"), full.getMessage());
        long size = table.approximateSize();
        assertEquals(stored.size() * (16L + MemTable.VERSION_BYTES), size);
        for (byte[] key : stored) {
            assertEquals(Optional.of(Bytes.wrap(key)), table.get(Bytes.wrap(key)));
        }
        assertEquals(stored.size(), keys(table, Bound.unbounded(), Bound.unbounded()).size());
        assertThrows(IllegalStateException.class,
                () -> table.put(utf8("another"), utf8("value")));
        assertEquals(size, table.approximateSize());
        table.close();
    }

    private static List<String> keys(MemTable table, Bound lower, Bound upper) {
        List<String> keys = new ArrayList<>();
        try (MemTableIterator it = table.scan(lower, upper)) {
            for (; it.isValid(); it.next()) {
                keys.add(it.key().toUtf8String());
            }
        }
        return keys;
    }
}
