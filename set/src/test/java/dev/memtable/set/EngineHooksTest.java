package dev.memtable.set;

import static dev.memtable.set.SetTestSupport.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memtable.Bound;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the set offers an engine that flushes to files of its own (the store module):
 * {@code minimumLastSequence}, {@link Snapshot#scanWithTombstones} and
 * {@link MemTableSet#retainedVersions}.
 */
class EngineHooksTest {

    @TempDir
    Path tmp;

    @Test
    void minimumLastSequence_numbersNewWritesAboveIt_evenWithNoLogsLeft() throws IOException {
        TestBackend backend = TestBackend.concurrent();
        try (MemTableSet set = MemTableSet.builder().backend(backend).walDirectory(tmp)
                .walProvider(backend.logs()).minimumLastSequence(500).build()) {
            assertEquals(500, set.lastSequence());
            set.put(b("a"), b("1"));
            assertEquals(501, set.lastSequence());
        }
        // The log holds 501: recovery's own highest sequence wins over a lower floor.
        try (MemTableSet set = MemTableSet.builder().backend(backend).walDirectory(tmp)
                .walProvider(backend.logs()).minimumLastSequence(7).build()) {
            assertEquals(501, set.lastSequence());
        }
        try (MemTableSet set = MemTableSet.builder().backend(backend)
                .minimumLastSequence(0).build()) {
            assertEquals(0, set.lastSequence());
        }
    }

    @Test
    void minimumLastSequence_refusesOutOfRange() {
        MemTableSet.Builder builder = MemTableSet.builder();
        assertThrows(IllegalArgumentException.class, () -> builder.minimumLastSequence(-1));
        assertThrows(IllegalArgumentException.class,
                () -> builder.minimumLastSequence(MemTable.MAX_SEQUENCE + 1));
        builder.minimumLastSequence(MemTable.MAX_SEQUENCE);
    }

    @Test
    void snapshotScanWithTombstones_yieldsTheTombstonesTheSnapshotSees() throws IOException {
        try (MemTableSet set = MemTableSet.builder().backend(TestBackend.concurrent()).build()) {
            set.put(b("a"), b("1"));
            set.put(b("b"), b("1"));
            set.delete(b("a"));
            try (Snapshot s = set.snapshot()) {
                set.delete(b("b"));
                set.put(b("a"), b("2"));
                assertEquals(List.of("a=@3", "b=1@2"), entries(s.scanWithTombstones(
                        Bound.unbounded(), Bound.unbounded())));
                assertEquals(List.of("b=1@2"), entries(s.scan(Bound.unbounded(),
                        Bound.unbounded())));
                assertThrows(NullPointerException.class,
                        () -> s.scanWithTombstones(null, Bound.unbounded()));
            }
        }
    }

    @Test
    void retainedVersions_keepsTheNewestAndWhatEachSnapshotSees() throws IOException {
        try (MemTableSet set = MemTableSet.builder().backend(TestBackend.concurrent()).build()) {
            set.put(b("k"), b("1"));   // 1
            set.put(b("k"), b("2"));   // 2
            set.delete(b("k"));        // 3
            set.put(b("k"), b("4"));   // 4
            set.put(b("x"), b("5"));   // 5
            MemTable t = set.mutable();
            assertEquals(List.of("k=4@4", "x=5@5"), entries(MemTableSet.retainedVersions(
                    t.versions(Bound.unbounded(), Bound.unbounded()), new long[0])));
            // A snapshot at 2 sees k=2; one at 3 sees the tombstone; one at 1 sees k=1.
            assertEquals(List.of("k=4@4", "k=@3", "k=2@2", "x=5@5"),
                    entries(MemTableSet.retainedVersions(
                            t.versions(Bound.unbounded(), Bound.unbounded()),
                            new long[] {2, 3, 3})));
            assertEquals(List.of("k=4@4", "k=1@1", "x=5@5"),
                    entries(MemTableSet.retainedVersions(
                            t.versions(Bound.unbounded(), Bound.unbounded()), new long[] {1})));
            assertThrows(NullPointerException.class,
                    () -> MemTableSet.retainedVersions(null, new long[0]));
        }
    }

    private static List<String> entries(MemTableIterator it) {
        List<String> out = new ArrayList<>();
        try (it) {
            for (; it.isValid(); it.next()) {
                out.add(it.key().toUtf8String() + "=" + it.value().toUtf8String() + "@"
                        + it.sequence());
            }
        }
        return out;
    }
}
