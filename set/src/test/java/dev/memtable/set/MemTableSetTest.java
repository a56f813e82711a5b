package dev.memtable.set;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;

import static dev.memtable.set.SetTestSupport.allContents;
import static dev.memtable.set.SetTestSupport.b;
import static dev.memtable.set.SetTestSupport.contents;
import static dev.memtable.set.SetTestSupport.liveContents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The memtable set in one thread: the design's scenarios, the hand-off, views and bad input. */
class MemTableSetTest {

    private static MemTableSet inMemory(long freezeAtBytes) throws IOException {
        return MemTableSet.builder().backend(TestBackend.concurrent())
                .freezeAtBytes(freezeAtBytes).build();
    }

    // ------------------------------------------------------------------ the design's scenarios

    @Test
    void freeze_keepsFrozenTableReadableAndOrderedOldestLast() throws IOException {
        try (MemTableSet set = inMemory(1 << 20)) {
            set.put(b("1"), b("233"));
            set.put(b("2"), b("2333"));
            set.put(b("3"), b("23333"));
            long firstId = set.mutable().id();
            assertTrue(set.freeze());
            assertEquals(1, set.immutables().size());
            assertEquals(firstId, set.immutables().get(0).id());
            assertTrue(set.mutable().isEmpty());
            assertTrue(set.mutable().id() > firstId);
            assertEquals(Optional.of(b("233")), set.get(b("1")));
            assertEquals(Optional.of(b("23333")), set.get(b("3")));

            set.put(b("1"), b("2333"));
            set.put(b("4"), b("5"));
            long secondId = set.mutable().id();
            assertTrue(set.freeze());
            List<MemTable> imm = set.immutables();
            assertEquals(List.of(secondId, firstId), List.of(imm.get(0).id(), imm.get(1).id()));
            assertTrue(set.mutable().id() > secondId);
            assertEquals(Optional.of(b("2333")), set.get(b("1")), "the newest table wins");
            assertEquals(Optional.of(b("2333")), set.get(b("2")), "the oldest is still read");
            assertEquals(Optional.of(b("233")), imm.get(1).get(b("1")), "frozen table unchanged");
            assertEquals(Optional.of(firstId), set.oldestImmutable().map(MemTable::id));
        }
    }

    @Test
    void put_sizeTriggeredFreezeAfterOverwritesThenAfterDeletes() throws IOException {
        try (MemTableSet set = inMemory(1024)) {
            for (int i = 0; i < 1000; i++) {
                set.put(b("1"), b("2333"));
            }
            int afterPuts = set.immutables().size();
            assertTrue(afterPuts >= 1, "no memtable frozen after 1,000 overwrites");
            for (int i = 0; i < 1000; i++) {
                set.delete(b("1"));
            }
            assertTrue(set.immutables().size() > afterPuts,
                    "no memtable frozen after 1,000 deletes");
            assertEquals(Optional.of(Bytes.EMPTY), set.get(b("1")));
            for (MemTable t : set.immutables()) {
                // Frozen by the very write that reached the target: at most one write over it.
                assertTrue(t.approximateSize() >= 1024 && t.approximateSize() < 1024 + 5,
                        "table " + t.id() + " frozen at " + t.approximateSize() + " bytes");
            }
        }
    }

    @Test
    void get_tombstoneInMiddleTableHidesOldestValue() throws IOException {
        try (MemTableSet set = inMemory(1 << 20)) {
            set.put(b("k"), b("oldest"));
            set.freeze();
            set.delete(b("k"));
            set.freeze();
            set.put(b("other"), b("x"));
            assertEquals(2, set.immutables().size());
            assertEquals(Optional.of(Bytes.EMPTY), set.get(b("k")), "deleted in memory");
            assertEquals(Optional.of(b("oldest")), set.immutables().get(1).get(b("k")));
            assertEquals(Map.of("other", "x"), liveContents(set));
            assertEquals(Optional.empty(), set.get(b("never")), "unknown: look on disk");
        }
    }

    @Test
    void scan_mergesThreeTablesNewestValueOnce() throws IOException {
        try (MemTableSet set = inMemory(1 << 20)) {
            for (String k : List.of("a", "b", "c", "d")) {
                set.put(b(k), b("1"));
            }
            set.freeze();
            set.put(b("b"), b("2"));
            set.delete(b("c"));
            set.put(b("e"), b("2"));
            set.freeze();
            set.put(b("a"), b("3"));
            set.delete(b("d"));
            set.put(b("f"), b("3"));
            assertEquals(2, set.immutables().size());
            assertEquals(List.of("a=3", "b=2", "e=2", "f=3"), pairs(liveContents(set)));
            assertEquals(List.of("a=3", "b=2", "c=", "d=", "e=2", "f=3"),
                    pairs(allContents(set)));
        }
    }

    @Test
    void scan_emptySetIsEmpty() throws IOException {
        try (MemTableSet set = inMemory(1 << 20)) {
            assertEquals(Map.of(), liveContents(set));
            assertEquals(Map.of(), allContents(set));
            assertFalse(set.freeze(), "freezing an empty table is a no-op");
            assertEquals(List.of(), set.immutables());
            assertEquals(Optional.empty(), set.oldestImmutable());
        }
    }

    @Test
    void scan_honoursBoundsAcrossTables() throws IOException {
        try (MemTableSet set = inMemory(1 << 20)) {
            for (int i = 0; i < 10; i++) {
                set.put(b("k" + i), b("v" + i));
                if (i % 3 == 2) {
                    set.freeze();
                }
            }
            assertEquals(3, set.immutables().size());
            assertEquals(List.of("k2", "k3", "k4", "k5", "k6"), keys(set.scan(
                    Bound.included(b("k2")), Bound.excluded(b("k7")))));
            assertEquals(List.of("k3", "k4", "k5", "k6", "k7"), keys(set.scan(
                    Bound.excluded(b("k2")), Bound.included(b("k7")))));
            assertEquals(List.of("k8", "k9"), keys(set.scanWithTombstones(
                    Bound.excluded(b("k7")), Bound.unbounded())));
            assertEquals(List.of(), keys(set.scan(Bound.excluded(b("k5")),
                    Bound.excluded(b("k5")))));
            assertEquals(List.of(), keys(set.scan(Bound.included(b("k7")),
                    Bound.included(b("k2")))));
        }
    }

    @Test
    void write_batchGoesIntoOneTableAndCanTriggerFreeze() throws IOException {
        try (MemTableSet set = inMemory(10)) {
            WriteBatch batch = new WriteBatch().put(b("a"), b("1")).put(b("b"), b("2"))
                    .delete(b("c")).put(b("d"), b("444444"));
            set.write(batch);
            assertEquals(1, set.immutables().size(), "12 bytes >= 10: frozen after the batch");
            MemTable frozen = set.immutables().get(0);
            assertEquals(Optional.of(b("2")), frozen.get(b("b")));
            assertEquals(Optional.of(Bytes.EMPTY), frozen.get(b("c")));
            assertTrue(set.mutable().isEmpty());
            set.write(new WriteBatch());
            assertTrue(set.mutable().isEmpty(), "an empty batch writes nothing");
        }
    }

    @Test
    void freeze_idsRiseWithEveryNewTable() throws IOException {
        try (MemTableSet set = inMemory(1 << 20)) {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(set.mutable().id());
                set.put(b("k"), b("v" + i));
                set.freeze();
            }
            for (int i = 1; i < ids.size(); i++) {
                assertTrue(ids.get(i) > ids.get(i - 1), ids.toString());
            }
            assertTrue(set.mutable().id() > ids.get(ids.size() - 1));
        }
    }

    // ------------------------------------------------------------------ flush hand-off

    @Test
    void flushed_releasesOldestAndClosesIt() throws IOException {
        try (MemTableSet set = inMemory(1 << 20)) {
            set.put(b("a"), b("1"));
            set.freeze();
            set.put(b("b"), b("2"));
            set.freeze();
            MemTable oldest = set.oldestImmutable().orElseThrow();
            set.flushed(oldest);
            assertEquals(1, set.immutables().size());
            assertNotSame(oldest, set.immutables().get(0));
            assertEquals(Optional.empty(), set.get(b("a")), "released: now on the engine's disk");
            assertThrows(IllegalStateException.class, () -> oldest.get(b("a")),
                    "a released table nobody reads is closed at once");
            set.flushed(set.oldestImmutable().orElseThrow());
            assertEquals(List.of(), set.immutables());
        }
    }

    @Test
    void flushed_rejectsAnythingButTheOldestImmutable() throws IOException {
        TestBackend backend = TestBackend.concurrent();
        try (MemTableSet set = MemTableSet.builder().backend(backend).freezeAtBytes(1 << 20)
                .build(); MemTable stranger = backend.create(99)) {
            set.put(b("a"), b("1"));
            set.freeze();
            set.put(b("b"), b("2"));
            set.freeze();
            set.put(b("c"), b("3"));
            MemTable newer = set.immutables().get(0);
            MemTable oldest = set.immutables().get(1);

            assertRejected(set, newer, "is not the oldest immutable table (that is memtable "
                    + oldest.id() + ")");
            assertRejected(set, set.mutable(), "is the mutable table");
            assertRejected(set, stranger, "is not an immutable table of this set");
            set.flushed(oldest);
            assertRejected(set, oldest, "is not an immutable table of this set");
            assertThrows(NullPointerException.class, () -> set.flushed(null));
        }
    }

    private static void assertRejected(MemTableSet set, MemTable table, String why) {
        List<Long> before = ids(set);
        Map<String, String> contents = allContents(set);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> set.flushed(table));
        assertTrue(e.getMessage().contains("memtable " + table.id()), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertEquals(before, ids(set), "a rejected release changes nothing");
        assertEquals(contents, allContents(set));
    }

    @Test
    void scan_keepsReleasedTableOpenUntilIteratorClosed() throws IOException {
        try (MemTableSet set = inMemory(1 << 20)) {
            for (String k : List.of("a", "b", "c", "d")) {
                set.put(b(k), b("old"));
            }
            set.freeze();
            set.put(b("e"), b("new"));
            MemTableIterator it = set.scan(Bound.unbounded(), Bound.unbounded());
            assertEquals(b("a"), it.key());
            MemTable oldest = set.oldestImmutable().orElseThrow();
            set.flushed(oldest);
            assertEquals(Optional.of(b("old")), oldest.get(b("b")),
                    "still open: the iterator pins it");
            assertEquals(List.of("a=old", "b=old", "c=old", "d=old", "e=new"),
                    pairs(contents(it)));
            assertThrows(IllegalStateException.class, () -> oldest.get(b("b")),
                    "closed when its last reader left");
        }
    }

    // ------------------------------------------------------------------ views

    @Test
    void tables_areReadOnlyViews() throws IOException {
        try (MemTableSet set = inMemory(1 << 20)) {
            set.put(b("a"), b("1"));
            set.freeze();
            set.put(b("b"), b("2"));
            MemTable frozen = set.immutables().get(0);
            MemTable mutable = set.mutable();
            for (MemTable t : List.of(frozen, mutable)) {
                UnsupportedOperationException e = assertThrows(
                        UnsupportedOperationException.class, () -> t.put(b("x"), b("y")));
                assertTrue(e.getMessage().contains("write through the set"), e.getMessage());
                assertThrows(UnsupportedOperationException.class, () -> t.delete(b("a")));
                assertThrows(UnsupportedOperationException.class,
                        () -> t.write(new WriteBatch().put(b("x"), b("y"))));
                assertThrows(UnsupportedOperationException.class, t::close);
            }
            assertEquals(Map.of("a", "1", "b", "2"), liveContents(set));
            assertEquals(Optional.of(b("1")), frozen.get(b("a")), "refused close left it open");
            assertEquals(2 + MemTable.VERSION_BYTES, mutable.approximateSize());
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void builder_rejectsNonPositiveFreezeSize() {
        MemTableSet.Builder builder = MemTableSet.builder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder.freezeAtBytes(0));
        assertEquals("freezeAtBytes must be positive, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.freezeAtBytes(-1));
    }

    @Test
    void builder_rejectsMaxImmutablesBelowOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemTableSet.builder().maxImmutables(0));
        assertEquals("maxImmutables must be at least 1, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MemTableSet.builder().maxImmutables(-5));
    }

    @Test
    void builder_rejectsNonPositiveStallTimeout() {
        MemTableSet.Builder builder = MemTableSet.builder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder.stallTimeout(Duration.ZERO));
        assertTrue(e.getMessage().contains("stallTimeout must be positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> builder.stallTimeout(Duration.ofMillis(-1)));
    }

    @Test
    void builder_rejectsNulls() {
        MemTableSet.Builder builder = MemTableSet.builder();
        assertNpe("provider", () -> builder.backend(null));
        assertNpe("directory", () -> builder.walDirectory(null));
        assertNpe("options", () -> builder.walOptions(null));
        assertNpe("timeout", () -> builder.stallTimeout(null));
    }

    @Test
    void builder_rejectedSetterLeavesBuilderAsItWas() throws IOException {
        MemTableSet.Builder builder = MemTableSet.builder().backend(TestBackend.concurrent())
                .freezeAtBytes(10);
        assertThrows(IllegalArgumentException.class, () -> builder.freezeAtBytes(-1));
        try (MemTableSet set = builder.build()) {
            set.put(b("k"), b("123456789"));
            assertEquals(1, set.immutables().size(), "still freezes at 10 bytes");
        }
    }

    @Test
    void build_withoutBackendFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MemTableSet.builder().freezeAtBytes(10).build());
        assertTrue(e.getMessage().contains("no backend set"), e.getMessage());
    }

    @Test
    void build_walOptionsWithoutDirectoryFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MemTableSet.builder().backend(TestBackend.concurrent())
                        .walOptions(WalOptions.defaults()).build());
        assertTrue(e.getMessage().contains("no walDirectory"), e.getMessage());
    }

    @Test
    void build_walDirectoryOnBackendWithoutWalFails(@TempDir Path dir) {
        Path walDir = dir.resolve("wal");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MemTableSet.builder().backend(TestBackend.inMemoryOnly())
                        .walDirectory(walDir).build());
        assertTrue(e.getMessage().contains("test-no-wal does not support write-ahead logs"),
                e.getMessage());
        assertFalse(Files.exists(walDir), "a refused build creates nothing");
    }

    @Test
    void build_walDirectoryThatIsAFileFails(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("wal"), "not a directory");
        assertThrows(IOException.class, () -> MemTableSet.builder()
                .backend(TestBackend.concurrent()).walDirectory(file).build());
        assertEquals("not a directory", Files.readString(file));
    }

    @Test
    void put_badInputRejectedAndChangesNothing() throws IOException {
        try (MemTableSet set = inMemory(1)) {
            assertNpe("key", () -> set.put(null, b("v")));
            assertNpe("value", () -> set.put(b("k"), null));
            assertNpe("key", () -> set.delete(null));
            assertNpe("batch", () -> set.write(null));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> set.put(Bytes.wrap(new byte[MemTable.MAX_KEY_LENGTH + 1]), b("v")));
            assertEquals("key is 65536 bytes; the limit is 65535", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> set.put(b("k"),
                    Bytes.wrap(new byte[MemTable.MAX_VALUE_LENGTH + 1])));
            assertTrue(set.mutable().isEmpty());
            assertEquals(0, set.mutable().approximateSize());
            assertEquals(List.of(), set.immutables(), "a rejected write freezes nothing");
        }
    }

    @Test
    void reads_rejectNulls() throws IOException {
        try (MemTableSet set = inMemory(1 << 20)) {
            assertNpe("key", () -> set.get(null));
            assertNpe("lower", () -> set.scan(null, Bound.unbounded()));
            assertNpe("upper", () -> set.scan(Bound.unbounded(), null));
            assertNpe("lower", () -> set.scanWithTombstones(null, Bound.unbounded()));
            assertNpe("upper", () -> set.scanWithTombstones(Bound.unbounded(), null));
        }
    }

    @Test
    void close_thenEveryCallThrowsAndCloseIsIdempotent() throws IOException {
        MemTableSet set = inMemory(1 << 20);
        set.put(b("a"), b("1"));
        set.freeze();
        MemTable frozen = set.immutables().get(0);
        set.close();
        assertTrue(set.isClosed());
        List<Executable> calls = List.of(
                () -> set.put(b("a"), b("1")),
                () -> set.delete(b("a")),
                () -> set.write(new WriteBatch().put(b("a"), b("1"))),
                () -> set.get(b("a")),
                () -> set.scan(Bound.unbounded(), Bound.unbounded()),
                () -> set.scanWithTombstones(Bound.unbounded(), Bound.unbounded()),
                set::freeze,
                set::mutable,
                set::immutables,
                set::oldestImmutable,
                () -> set.flushed(frozen),
                set::sync);
        for (Executable call : calls) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertEquals("memtable set is closed", e.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> frozen.get(b("a")),
                "closing the set closes its tables");
        set.close();
    }

    // ------------------------------------------------------------------ helpers

    private static void assertNpe(String name, Executable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call);
        assertEquals(name, e.getMessage());
    }

    static List<Long> ids(MemTableSet set) {
        List<Long> ids = new ArrayList<>();
        ids.add(set.mutable().id());
        set.immutables().forEach(t -> ids.add(t.id()));
        return ids;
    }

    private static List<String> keys(MemTableIterator it) {
        return new ArrayList<>(contents(it).keySet());
    }

    static List<String> pairs(Map<String, String> m) {
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }
}
