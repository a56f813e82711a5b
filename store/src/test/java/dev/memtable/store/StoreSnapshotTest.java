package dev.memtable.store;

import static dev.memtable.store.StoreTestSupport.all;
import static dev.memtable.store.StoreTestSupport.b;
import static dev.memtable.store.StoreTestSupport.contents;
import static dev.memtable.store.StoreTestSupport.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.MemTableIterator;
import dev.memtable.WriteBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Snapshots of a store: they see runs, and flushes and merges keep what they see. */
class StoreSnapshotTest {

    static final String[] BACKENDS = StoreTestSupport.BACKENDS;

    @TempDir
    Path dir;

    @ParameterizedTest
    @FieldSource("BACKENDS")
    void snapshot_readsRunsAndMemtablesAtItsSequence_throughFlushesAndMerges(String backend)
            throws IOException {
        try (Store store = Store.open(dir, small(backend).withMaxRuns(100))) {
            store.put(b("a"), b("1"));
            store.put(b("b"), b("1"));
            store.flush();
            store.put(b("c"), b("1"));                  // in a memtable
            try (Snapshot s = store.snapshot()) {
                assertEquals(3, s.sequence());
                store.put(b("a"), b("2"));
                store.delete(b("b"));
                store.write(new WriteBatch().put(b("c"), b("2")).put(b("d"), b("2")));
                Map<String, String> then = Map.of("a", "1", "b", "1", "c", "1");
                assertEquals(then, all(s));
                store.flush();
                assertEquals(then, all(s), "after the flush of what it read in memory");
                assertEquals(2, store.compact());
                assertEquals(then, all(s), "after the merge of the runs it read");
                assertEquals(Optional.of(b("1")), s.get(b("b")));
                assertEquals(Optional.empty(), s.get(b("d")));
                assertEquals(Map.of("a", "2", "c", "2", "d", "2"), all(store));
                try (Snapshot later = store.snapshot()) {
                    assertEquals(Map.of("a", "2", "c", "2", "d", "2"), all(later));
                    assertEquals(Optional.empty(), later.get(b("b")));
                }
            }
            assertEquals(1, store.compact());
        }
    }

    @ParameterizedTest
    @FieldSource("BACKENDS")
    void merge_keepsOnlyTheVersionsOpenSnapshotsSee(String backend) throws IOException {
        try (Store store = Store.open(dir, small(backend).withMaxRuns(100))) {
            store.put(b("k"), b("1"));
            store.flush();
            store.put(b("k"), b("2"));
            store.flush();
            Snapshot atTwo = store.snapshot();
            store.put(b("k"), b("3"));
            store.flush();
            store.delete(b("k"));
            store.flush();
            assertEquals(4, store.stats().runEntries());
            store.compact();
            // The tombstone (newest) and 2 (the snapshot's) stay; 1 and 3 nobody can see.
            assertEquals(2, store.stats().runEntries());
            assertEquals(Optional.of(b("2")), atTwo.get(b("k")));
            assertEquals(Optional.empty(), store.get(b("k")));
            atTwo.close();
            store.put(b("x"), b("1"));
            store.flush();
            store.compact();
            assertEquals(1, store.stats().runEntries(), "only x: k's tombstone shadows nothing");
        }
    }

    @ParameterizedTest
    @FieldSource("BACKENDS")
    void snapshot_iteratorsOutliveTheSnapshot_andCloseIsIdempotent(String backend)
            throws IOException {
        try (Store store = Store.open(dir, small(backend))) {
            store.put(b("a"), b("1"));
            store.flush();
            Snapshot s = store.snapshot();
            MemTableIterator it = s.scan(Bound.unbounded(), Bound.unbounded());
            s.close();
            s.close();
            assertTrue(s.isClosed());
            assertThrows(IllegalStateException.class, () -> s.get(b("a")));
            assertThrows(IllegalStateException.class,
                    () -> s.scan(Bound.unbounded(), Bound.unbounded()));
            store.put(b("a"), b("2"));
            store.flush();
            store.compact();
            assertEquals(Map.of("a", "1"), contents(it));
            assertEquals(1, s.sequence(), "the sequence answers after close");
        }
    }

    @ParameterizedTest
    @FieldSource("BACKENDS")
    void snapshot_refusesNullsAndDiesWithTheStore(String backend) throws IOException {
        Store store = Store.open(dir, small(backend));
        Snapshot s = store.snapshot();
        assertThrows(NullPointerException.class, () -> s.get(null));
        assertThrows(NullPointerException.class, () -> s.scan(null, Bound.unbounded()));
        assertThrows(NullPointerException.class, () -> s.scan(Bound.unbounded(), null));
        store.close();
        assertThrows(IllegalStateException.class, () -> s.get(b("a")));
        s.close();
    }
}
