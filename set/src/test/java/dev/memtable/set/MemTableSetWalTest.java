package dev.memtable.set;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.SyncPolicy;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;

import static dev.memtable.set.SetTestSupport.allContents;
import static dev.memtable.set.SetTestSupport.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memtable set with a WAL directory: one log per table, recovery, release, sync. */
class MemTableSetWalTest {

    @TempDir
    Path tmp;

    private static MemTableSet open(TestBackend backend, Path dir, long freezeAtBytes)
            throws IOException {
        return MemTableSet.builder().backend(backend).freezeAtBytes(freezeAtBytes)
                .walDirectory(dir).walProvider(backend.logs()).build();
    }

    /** Seeded puts, deletes and batches over 40 keys; returns the model (tombstones as ""). */
    private static TreeMap<String, String> writeSome(MemTableSet set, long seed, int ops) {
        Random random = new Random(seed);
        TreeMap<String, String> model = new TreeMap<>();
        for (int i = 0; i < ops; i++) {
            String k = "key" + random.nextInt(40);
            int what = random.nextInt(10);
            if (what < 6) {
                String v = "v" + seed + "-" + i;
                set.put(b(k), b(v));
                model.put(k, v);
            } else if (what < 8) {
                set.delete(b(k));
                model.put(k, "");
            } else {
                String k2 = "key" + random.nextInt(40);
                set.write(new WriteBatch().put(b(k), b("batch" + i)).delete(b(k2)));
                model.put(k, "batch" + i);
                model.put(k2, "");
            }
        }
        return model;
    }

    private static List<String> walNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".wal"))
                    .sorted().collect(Collectors.toList());
        }
    }

    private static String walName(long id) {
        return String.format("%020d.wal", id);
    }

    /** Copies the log files, as a crash would leave them, to a new directory. */
    private Path crashCopy(Path dir, String name) throws IOException {
        Path copy = Files.createDirectory(tmp.resolve(name));
        for (String n : walNames(dir)) {
            Files.copy(dir.resolve(n), copy.resolve(n));
        }
        return copy;
    }

    private static void assertSameAnswers(Map<String, String> expected, MemTableSet set) {
        assertEquals(expected, allContents(set));
        for (int i = 0; i < 40; i++) {
            String k = "key" + i;
            Optional<Bytes> want = expected.containsKey(k)
                    ? Optional.of(b(expected.get(k))) : Optional.empty();
            assertEquals(want, set.get(b(k)), k);
        }
    }

    @Test
    void build_recoversEveryTableAfterCloseAndIdsContinue() throws IOException {
        Path dir = tmp.resolve("wal");
        Map<String, String> before;
        List<Long> oldIds = new ArrayList<>();
        long oldMax;
        try (MemTableSet set = open(TestBackend.concurrent(), dir, 300)) {
            TreeMap<String, String> model = writeSome(set, 1, 400);
            assertTrue(set.immutables().size() >= 3, "expected several freezes");
            before = allContents(set);
            assertEquals(model, before);
            oldIds.add(set.mutable().id());
            set.immutables().forEach(t -> oldIds.add(t.id()));
            oldMax = set.mutable().id();
            List<String> expectedFiles = new ArrayList<>();
            oldIds.forEach(id -> expectedFiles.add(walName(id)));
            expectedFiles.add(walName(oldMax + 1)); // the next table's log, prepared ahead
            expectedFiles.sort(null);
            assertEquals(expectedFiles, walNames(dir), "one log per table, named by id");
        }
        assertEquals(oldIds.size() + 1, walNames(dir).size(),
                "close flushes nothing: the logs stay");

        try (MemTableSet set = open(TestBackend.concurrent(), dir, 300)) {
            assertSameAnswers(before, set);
            List<Long> recovered = new ArrayList<>();
            set.immutables().forEach(t -> recovered.add(t.id()));
            assertEquals(oldIds, recovered, "every old table recovered as immutable, newest first");
            assertTrue(set.mutable().isEmpty());
            assertEquals(oldMax + 1, set.mutable().id(),
                    "the newest log, empty, is the mutable table again");
            set.put(b("after"), b("restart"));
            set.freeze();
            assertTrue(set.immutables().get(0).id() > oldMax);
        }
    }

    @Test
    void build_recoversAfterAbandonWithoutClose() throws IOException {
        Path dir = tmp.resolve("wal");
        try (MemTableSet set = open(TestBackend.concurrent(), dir, 250)) {
            TreeMap<String, String> model = writeSome(set, 2, 300);
            assertTrue(set.immutables().size() >= 3);
            set.sync();
            long maxId = set.mutable().id();
            // The process "dies" here: no close. The files are what it leaves behind.
            Path crashed = crashCopy(dir, "crashed");
            try (MemTableSet reopened = open(TestBackend.concurrent(), crashed, 250)) {
                assertSameAnswers(model, reopened);
                assertTrue(reopened.mutable().id() > maxId);
            }
        }
    }

    @Test
    void build_replaysTableWhoseReleaseDidNotHappen() throws IOException {
        Path dir = tmp.resolve("wal");
        try (MemTableSet set = open(TestBackend.concurrent(), dir, 1 << 20)) {
            set.put(b("a"), b("1"));
            set.freeze();
            set.put(b("b"), b("2"));
            MemTable oldest = set.oldestImmutable().orElseThrow();
            Path beforeRelease = crashCopy(dir, "before-release");
            set.flushed(oldest);
            assertFalse(Files.exists(dir.resolve(walName(oldest.id()))),
                    "released: its log is deleted in flushed()");
            assertTrue(Files.exists(beforeRelease.resolve(walName(oldest.id()))));
            try (MemTableSet replayed = open(TestBackend.concurrent(), beforeRelease, 1 << 20)) {
                assertEquals(oldest.id(), replayed.oldestImmutable().orElseThrow().id());
                assertEquals(Optional.of(b("1")), replayed.get(b("a")),
                        "a crash before flushed() replays the table again");
            }
        }
        try (MemTableSet set = open(TestBackend.concurrent(), dir, 1 << 20)) {
            assertEquals(Optional.empty(), set.get(b("a")), "released table is not recovered");
            assertEquals(Optional.of(b("2")), set.get(b("b")));
        }
    }

    @Test
    void flushed_keepsLogUntilCalled() throws IOException {
        Path dir = tmp.resolve("wal");
        try (MemTableSet set = open(TestBackend.concurrent(), dir, 1 << 20)) {
            set.put(b("a"), b("1"));
            set.freeze();
            MemTable oldest = set.oldestImmutable().orElseThrow();
            set.put(b("b"), b("2"));
            set.freeze();
            assertTrue(Files.exists(dir.resolve(walName(oldest.id()))),
                    "freezing does not delete logs");
            set.flushed(oldest);
            assertFalse(Files.exists(dir.resolve(walName(oldest.id()))));
            assertEquals(3, walNames(dir).size(), "the frozen, the mutable, the prepared table");
        }
    }

    @Test
    void build_deletesEmptyLogsButReusesTheNewestAsTheMutableTable() throws IOException {
        Path dir = tmp.resolve("wal");
        long emptyId;
        try (MemTableSet set = open(TestBackend.concurrent(), dir, 1 << 20)) {
            set.put(b("a"), b("1"));
            set.freeze();
            emptyId = set.mutable().id();
        }
        assertEquals(List.of(walName(emptyId - 1), walName(emptyId), walName(emptyId + 1)),
                walNames(dir), "the frozen table's, the empty mutable one's, the prepared one's");
        try (MemTableSet set = open(TestBackend.concurrent(), dir, 1 << 20)) {
            assertEquals(1, set.immutables().size(), "an empty log becomes no table");
            assertFalse(Files.exists(dir.resolve(walName(emptyId))), "and is deleted");
            assertEquals(emptyId + 1, set.mutable().id(), "the newest log is the mutable table");
            set.put(b("b"), b("2"));
        }
        try (MemTableSet set = open(TestBackend.concurrent(), dir, 1 << 20)) {
            assertEquals(Optional.of(b("2")), set.get(b("b")), "written to the reused log");
        }
    }

    /**
     * Every table is flushed, so the directory holds only the empty logs of the mutable and the
     * prepared table; a build then fails (no log can be created). Ids must not go back to 1: the
     * newest log keeps the largest id on disk.
     */
    @Test
    void build_idsNeverGoBackwardsAfterAFailedBuild() throws IOException {
        Path dir = tmp.resolve("wal");
        TestBackend backend = TestBackend.concurrent();
        long newest;
        try (MemTableSet set = open(backend, dir, 1 << 20)) {
            for (int i = 0; i < 3; i++) {
                set.put(b("k"), b("v" + i));
                set.freeze();
                set.flushed(set.oldestImmutable().orElseThrow());
            }
            newest = set.mutable().id();
        }
        backend.failLogCreation(true);
        try (MemTableSet set = open(backend, dir, 1 << 20)) {
            set.put(b("k"), b("after"));
            assertThrows(UncheckedIOException.class, set::freeze);
        }
        backend.failLogCreation(false);
        try (MemTableSet set = open(backend, dir, 1 << 20)) {
            assertTrue(set.mutable().id() > newest, "ids rose: " + set.mutable().id()
                    + " after " + newest);
            assertEquals(Optional.of(b("after")), set.get(b("k")));
        }
    }

    @Test
    void build_leavesUnrelatedFilesAndRefusesMisnamedLogs() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("wal"));
        Files.writeString(dir.resolve("MANIFEST"), "engine's own");
        Files.createDirectory(dir.resolve("sst"));
        try (MemTableSet set = open(TestBackend.concurrent(), dir, 1 << 20)) {
            set.put(b("a"), b("1"));
        }
        assertEquals("engine's own", Files.readString(dir.resolve("MANIFEST")));

        Path stray = Files.writeString(dir.resolve("42.wal"), "");
        IOException e = assertThrows(IOException.class,
                () -> open(TestBackend.concurrent(), dir, 1 << 20));
        assertTrue(e.getMessage().contains("Unexpected entry " + stray), e.getMessage());
        assertTrue(e.getMessage().contains("00000000000000000042.wal"), e.getMessage());
        Files.delete(stray);

        Files.createDirectory(dir.resolve(walName(7)));
        assertThrows(IOException.class, () -> open(TestBackend.concurrent(), dir, 1 << 20),
                "a directory with a log's name");
        Files.delete(dir.resolve(walName(7)));

        try (MemTableSet set = open(TestBackend.concurrent(), dir, 1 << 20)) {
            assertEquals(Optional.of(b("1")), set.get(b("a")),
                    "a failed build left the directory unlocked and intact");
        }
    }

    @Test
    void build_refusesDirectoryInUseByAnotherSet() throws IOException {
        Path dir = tmp.resolve("wal");
        try (MemTableSet first = open(TestBackend.concurrent(), dir, 1 << 20)) {
            first.put(b("a"), b("1"));
            IOException e = assertThrows(IOException.class,
                    () -> open(TestBackend.concurrent(), dir, 1 << 20));
            assertTrue(e.getMessage().contains("is in use by another MemTableSet"), e.getMessage());
            assertEquals(Optional.of(b("1")), first.get(b("a")));
        }
        try (MemTableSet second = open(TestBackend.concurrent(), dir, 1 << 20)) {
            assertEquals(Optional.of(b("1")), second.get(b("a")));
        }
    }

    @Test
    void sync_makesTheLogOfEveryTableDurable() throws IOException {
        TestBackend backend = TestBackend.concurrent();
        Path dir = tmp.resolve("wal");
        try (MemTableSet set = open(backend, dir, 1 << 20)) {
            set.put(b("a"), b("1"));
            set.freeze();
            set.put(b("b"), b("2"));
            set.freeze();
            set.put(b("c"), b("3"));
            List<FileTestWal> frozen = new ArrayList<>();
            for (MemTable t : set.immutables()) {
                FileTestWal log = backend.log(dir.resolve(walName(t.id())));
                frozen.add(log);
                assertEquals(log.position(), log.syncedPosition(), "sealed at its freeze: synced");
            }
            assertEquals(2, frozen.size());
            FileTestWal mutable = backend.log(dir.resolve(walName(set.mutable().id())));
            assertTrue(mutable.syncedPosition() < mutable.position(), "the mutable log starts"
                    + " unsynced");
            set.sync();
            assertEquals(mutable.position(), mutable.syncedPosition(), "synced");
        }
    }

    @Test
    void put_freezeThatCannotCreateItsLogKeepsWriteAndNextWriteReports() throws IOException {
        TestBackend backend = TestBackend.concurrent();
        // k1 + 8 bytes + a version's 8 fill 18 bytes; k2 + x (11) does not
        try (MemTableSet set = open(backend, tmp.resolve("wal"), 18)) {
            long firstId = set.mutable().id();
            backend.failLogCreation(true);
            set.put(b("k1"), b("12345678")); // fills the table; the freeze fails, quietly
            assertEquals(Optional.of(b("12345678")), set.get(b("k1")), "the write was applied");
            assertEquals(List.of(), set.immutables());
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> set.put(b("k2"), b("x")));
            assertTrue(e.getMessage().contains("could not create the write-ahead log"),
                    e.getMessage());
            assertEquals(Optional.empty(), set.get(b("k2")), "a failed write is not applied");
            assertEquals(firstId, set.mutable().id());

            backend.failLogCreation(false);
            set.put(b("k2"), b("x"));
            assertEquals(firstId, set.immutables().get(0).id());
            assertEquals(Optional.of(b("x")), set.mutable().get(b("k2")));
        }
    }

    @Test
    void build_recoversWithWalOptions() throws IOException {
        Path dir = tmp.resolve("wal");
        WalOptions everyWrite = WalOptions.defaults().withSyncPolicy(SyncPolicy.EVERY_WRITE);
        TestBackend backend = TestBackend.concurrent();
        try (MemTableSet set = MemTableSet.builder().backend(backend).freezeAtBytes(1 << 20)
                .walDirectory(dir).walProvider(backend.logs()).walOptions(everyWrite).build()) {
            set.put(b("a"), b("1"));
            FileTestWal log = backend.log(dir.resolve(walName(set.mutable().id())));
            assertEquals(log.position(), log.syncedPosition(), "EVERY_WRITE syncs each write");
        }
    }
}
