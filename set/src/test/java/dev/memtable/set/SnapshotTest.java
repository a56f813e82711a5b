package dev.memtable.set;

import static dev.memtable.set.SetTestSupport.b;
import static dev.memtable.set.SetTestSupport.contents;
import static dev.memtable.set.SetTestSupport.liveContents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.WriteBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sequence numbers, snapshots, the watermark and {@code versionsToFlush} of a {@link MemTableSet},
 * in the manner of mini-lsm's week 3 scenarios: reads at a snapshot through writes, freezes and
 * flushes.
 */
class SnapshotTest {

    @TempDir
    Path tmp;

    private static MemTableSet inMemory() throws IOException {
        return MemTableSet.builder().backend(TestBackend.concurrent()).build();
    }

    @Test
    void lastSequence_countsEveryWriteAndABatchOnce() throws IOException {
        try (MemTableSet set = inMemory()) {
            assertEquals(0, set.lastSequence());
            set.put(b("a"), b("1"));
            set.delete(b("b"));
            assertEquals(2, set.lastSequence());
            set.write(new WriteBatch().put(b("c"), b("3")).put(b("d"), b("4")).delete(b("a")));
            assertEquals(3, set.lastSequence(), "a batch is one sequence");
            set.write(new WriteBatch());
            assertEquals(3, set.lastSequence(), "an empty batch takes none");
            assertEquals(3, set.mutable().lastSequence());
        }
    }

    @Test
    void snapshot_seesExactlyWhatTheSetHeldAtItsSequence() throws IOException {
        try (MemTableSet set = inMemory()) {
            set.put(b("a"), b("1"));
            set.put(b("b"), b("1"));
            set.delete(b("c"));
            try (Snapshot s = set.snapshot()) {
                assertEquals(3, s.sequence());
                set.put(b("a"), b("2"));
                set.delete(b("b"));
                set.put(b("c"), b("2"));
                set.put(b("d"), b("2"));

                assertEquals(Optional.of(b("1")), s.get(b("a")));
                assertEquals(Optional.of(b("1")), s.get(b("b")), "a later delete is invisible");
                assertEquals(Optional.of(Bytes.EMPTY), s.get(b("c")), "its own tombstone");
                assertEquals(Optional.empty(), s.get(b("d")), "a later key is unknown");
                assertEquals(Map.of("a", "1", "b", "1"), scan(s));

                assertEquals(Map.of("a", "2", "c", "2", "d", "2"), liveContents(set));
            }
        }
    }

    /** mini-lsm week 3 day 3: snapshots across a freeze and a flush of the tables they read. */
    @Test
    void snapshot_readsThroughFreezesAndFlushes() throws IOException {
        try (MemTableSet set = inMemory()) {
            set.put(b("a"), b("1"));
            set.put(b("b"), b("1"));
            Snapshot first = set.snapshot();
            set.freeze();
            set.put(b("a"), b("2"));
            set.delete(b("b"));
            Snapshot second = set.snapshot();
            set.freeze();
            set.put(b("a"), b("3"));
            set.put(b("c"), b("3"));

            // Both frozen tables are flushed and released while the snapshots are open.
            MemTable oldest = set.oldestImmutable().orElseThrow();
            set.flushed(oldest);
            set.flushed(set.oldestImmutable().orElseThrow());
            assertEquals(List.of(), set.immutables());
            assertEquals(Optional.empty(), set.get(b("b")), "the set no longer holds b");

            assertEquals(Map.of("a", "1", "b", "1"), scan(first));
            assertEquals(Optional.of(b("1")), first.get(b("b")));
            assertEquals(Map.of("a", "2"), scan(second));
            assertEquals(Optional.of(Bytes.EMPTY), second.get(b("b")));
            assertEquals(Map.of("a", "3", "c", "3"), liveContents(set));

            first.close();
            assertEquals(Optional.of(b("1")), oldest.get(b("a")), "second still pins it");
            second.close();
            assertThrows(IllegalStateException.class, () -> oldest.get(b("a")),
                    "the last snapshot to let go closed the released table");
        }
    }

    @Test
    void snapshot_closeIsIdempotentAndItsIteratorsOutliveIt() throws IOException {
        try (MemTableSet set = inMemory()) {
            set.put(b("a"), b("1"));
            set.put(b("b"), b("2"));
            Snapshot s = set.snapshot();
            set.freeze();
            MemTable frozen = set.immutables().get(0);
            MemTableIterator it = s.scan(Bound.unbounded(), Bound.unbounded());
            set.flushed(set.oldestImmutable().orElseThrow());
            s.close();
            s.close();
            assertTrue(s.isClosed());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> s.get(b("a")));
            assertTrue(e.getMessage().contains("snapshot at sequence 2 is closed"), e.getMessage());
            assertThrows(IllegalStateException.class,
                    () -> s.scan(Bound.unbounded(), Bound.unbounded()));
            assertEquals(2, s.sequence(), "the sequence still answers");

            assertEquals(Map.of("a", "1", "b", "2"), contents(it), "the iterator holds the tables");
            it.close();
            assertThrows(IllegalStateException.class, () -> frozen.get(b("a")),
                    "closed once the iterator let go too");
        }
    }

    @Test
    void snapshot_readsThrowOnceTheSetIsClosed() throws IOException {
        MemTableSet set = inMemory();
        set.put(b("a"), b("1"));
        Snapshot s = set.snapshot();
        set.close();
        assertThrows(IllegalStateException.class, () -> s.get(b("a")));
        assertThrows(IllegalStateException.class, set::snapshot);
        s.close();
    }

    @Test
    void snapshot_refusesNullArgumentsAndAnswersEmptyRanges() throws IOException {
        try (MemTableSet set = inMemory(); Snapshot s = set.snapshot()) {
            assertThrows(NullPointerException.class, () -> s.get(null));
            NullPointerException e = assertThrows(NullPointerException.class,
                    () -> s.scan(null, Bound.unbounded()));
            assertEquals("lower", e.getMessage());
            assertFalse(s.scan(Bound.included(b("b")), Bound.excluded(b("a"))).isValid());
        }
    }

    @Test
    void watermark_isTheLowestOpenSnapshotElseTheLastSequence() throws IOException {
        try (MemTableSet set = inMemory()) {
            set.put(b("a"), b("1"));
            assertEquals(1, set.watermark());
            Snapshot one = set.snapshot();
            set.put(b("a"), b("2"));
            Snapshot two = set.snapshot();
            Snapshot twoAgain = set.snapshot();
            set.put(b("a"), b("3"));
            assertEquals(1, set.watermark());
            one.close();
            assertEquals(2, set.watermark());
            two.close();
            assertEquals(2, set.watermark(), "another snapshot at 2 is still open");
            twoAgain.close();
            assertEquals(3, set.watermark());
        }
    }

    /**
     * A flush keeps the newest version of each key and every older version an open snapshot
     * sees, tombstones included, and nothing else.
     */
    @Test
    void versionsToFlush_keepsTheNewestAndWhatOpenSnapshotsSee() throws IOException {
        try (MemTableSet set = inMemory()) {
            set.put(b("k"), b("v1"));          // 1
            Snapshot at1 = set.snapshot();
            set.put(b("k"), b("v2"));          // 2
            set.put(b("k"), b("v3"));          // 3
            Snapshot at3 = set.snapshot();
            set.delete(b("k"));                // 4: the newest is a tombstone
            set.put(b("j"), b("w5"));          // 5
            set.put(b("j"), b("w6"));          // 6
            set.freeze();
            MemTable frozen = set.oldestImmutable().orElseThrow();

            assertEquals(List.of("j@6=w6", "k@4=", "k@3=v3", "k@1=v1"), flushed(set, frozen));
            at1.close();
            assertEquals(List.of("j@6=w6", "k@4=", "k@3=v3"), flushed(set, frozen));
            at3.close();
            assertEquals(List.of("j@6=w6", "k@4="), flushed(set, frozen));
            assertEquals(List.of("j@6=w6", "j@5=w5", "k@4=", "k@3=v3", "k@2=v2", "k@1=v1"),
                    versions(frozen.versions(Bound.unbounded(), Bound.unbounded())),
                    "the table itself keeps every version");
        }
    }

    @Test
    void versionsToFlush_refusesTablesItDoesNotHold() throws IOException {
        try (MemTableSet set = inMemory(); MemTableSet other = inMemory()) {
            set.put(b("a"), b("1"));
            assertThrows(IllegalArgumentException.class, () -> set.versionsToFlush(set.mutable()));
            other.put(b("a"), b("1"));
            other.freeze();
            assertThrows(IllegalArgumentException.class,
                    () -> set.versionsToFlush(other.immutables().get(0)));
            assertThrows(NullPointerException.class, () -> set.versionsToFlush(null));
        }
    }

    /** A table released between the check and the pin cannot be flushed: it says so. */
    @Test
    void versionsToFlush_ofATableReleasedMeanwhileIsRefused() throws IOException {
        TableSlot slot = new TableSlot(TestBackend.concurrent().create(7), null);
        slot.table.put(b("a"), b("1"));
        try (MemTableIterator it = RetainedVersions.of(slot, new long[0])) {
            assertEquals(List.of("a@1=1"), versions(it), "pinned while read");
        }
        slot.release(); // nobody pins it: closed now
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RetainedVersions.of(slot, new long[0]));
        assertTrue(e.getMessage().contains("memtable 7 was released"), e.getMessage());
    }

    @Test
    void build_restoresTheCounterFromTheLogs() throws IOException {
        Path dir = tmp.resolve("wal");
        TestBackend backend = TestBackend.concurrent();
        try (MemTableSet set = MemTableSet.builder().backend(backend).walDirectory(dir)
                .walProvider(backend.logs()).build()) {
            set.put(b("a"), b("1"));
            set.freeze();
            set.put(b("a"), b("2"));
            set.write(new WriteBatch().put(b("b"), b("3")).put(b("c"), b("3")));
            assertEquals(3, set.lastSequence());
        }
        try (MemTableSet set = MemTableSet.builder().backend(backend).walDirectory(dir)
                .walProvider(backend.logs()).build()) {
            assertEquals(3, set.lastSequence(), "the highest sequence recovered");
            try (Snapshot s = set.snapshot()) {
                set.put(b("a"), b("4"));
                assertEquals(4, set.lastSequence(), "sequences keep rising across restarts");
                assertEquals(Optional.of(b("2")), s.get(b("a")));
            }
            assertEquals(Optional.of(b("4")), set.get(b("a")));
            List<String> recovered = new ArrayList<>();
            for (MemTable t : set.immutables()) { // newest first
                recovered.addAll(versions(t.versions(Bound.included(b("a")),
                        Bound.included(b("a")))));
            }
            assertEquals(List.of("a@2=2", "a@1=1"), recovered,
                    "every version came back with its sequence");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, String> scan(Snapshot s) {
        try (MemTableIterator it = s.scan(Bound.unbounded(), Bound.unbounded())) {
            return contents(it);
        }
    }

    private static List<String> flushed(MemTableSet set, MemTable table) {
        try (MemTableIterator it = set.versionsToFlush(table)) {
            return versions(it);
        }
    }

    /** Renders versions as {@code key@sequence=value}, closing the iterator. */
    static List<String> versions(MemTableIterator it) {
        List<String> out = new ArrayList<>();
        try (it) {
            for (; it.isValid(); it.next()) {
                out.add(it.key().toUtf8String() + "@" + it.sequence() + "="
                        + it.value().toUtf8String());
            }
        }
        return out;
    }
}
