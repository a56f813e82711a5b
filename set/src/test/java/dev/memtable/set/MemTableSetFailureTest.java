package dev.memtable.set;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.WriteBatch;

import static dev.memtable.set.SetTestSupport.b;
import static dev.memtable.set.SetTestSupport.join;
import static dev.memtable.set.SetTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What goes wrong with a WAL directory and what the set then does: a failed log stops writes
 * until {@code resume()}, ids at the top of the range, I/O errors that name file and cause, the
 * overshoot of a table while its freeze creates a log, and tables that hold no open log once
 * frozen or recovered.
 */
class MemTableSetFailureTest {

    @TempDir
    Path tmp;

    private MemTableSet open(TestBackend backend, long freezeAtBytes) throws IOException {
        return MemTableSet.builder().backend(backend).freezeAtBytes(freezeAtBytes)
                .walDirectory(tmp.resolve("wal")).walProvider(backend.logs()).build();
    }

    private Path fileOf(long id) {
        return tmp.resolve("wal").resolve(String.format("%020d.wal", id));
    }

    // ------------------------------------------------------------------ stop and resume

    @Test
    void put_afterTheLogFailsStopsWritesUntilResume() throws IOException {
        TestBackend backend = TestBackend.concurrent();
        try (MemTableSet set = open(backend, 1 << 20)) {
            set.put(b("a"), b("1"));
            MemTable failed = set.mutable();
            Path log = fileOf(failed.id());
            backend.log(log).fail(new IOException("No space left on device"));

            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> set.put(b("b"), b("2")));
            assertStopped(e, log);
            for (Runnable write : List.<Runnable>of(() -> set.put(b("c"), b("3")),
                    () -> set.delete(b("a")), () -> set.write(new WriteBatch().put(b("c"), b("3"))),
                    set::freeze)) {
                assertStopped(assertThrows(UncheckedIOException.class, write::run), log);
            }
            assertEquals(Optional.of(b("1")), set.get(b("a")), "reads go on");
            assertEquals(Optional.empty(), set.get(b("b")), "the failed write was not applied");

            assertTrue(set.resume());
            assertFalse(set.resume(), "not stopped any more");
            assertEquals(failed.id(), set.immutables().get(0).id(), "frozen onto a new log");
            set.put(b("c"), b("3"));
            assertEquals(Optional.of(b("3")), set.mutable().get(b("c")));
            assertEquals(Optional.of(b("1")), set.get(b("a")), "acknowledged writes intact");

            IOException syncFailure = assertThrows(IOException.class, set::sync);
            assertTrue(syncFailure.getMessage().contains(log.toString()),
                    syncFailure.getMessage());
            MemTable oldest = set.oldestImmutable().orElseThrow();
            assertEquals(Optional.of(b("1")), oldest.get(b("a")), "flushable");
            set.flushed(oldest);
            set.sync(); // the failed log is gone with its table
        }
    }

    @Test
    void resume_thatCannotCreateANewLogKeepsWritesStopped() throws IOException {
        TestBackend backend = TestBackend.concurrent();
        try (MemTableSet set = open(backend, 1 << 20)) {
            set.put(b("a"), b("1"));
            Path log = fileOf(set.mutable().id());
            backend.log(log).fail(new IOException("File too large"));
            assertThrows(UncheckedIOException.class, () -> set.put(b("b"), b("2")));
            backend.failLogCreation(true);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, set::resume);
            assertTrue(e.getMessage().contains("Writes stay stopped"), e.getMessage());
            assertStopped(assertThrows(UncheckedIOException.class,
                    () -> set.put(b("b"), b("2"))), log);
            backend.failLogCreation(false);
            assertTrue(set.resume());
            set.put(b("b"), b("2"));
            assertEquals(Optional.of(b("2")), set.get(b("b")));
        }
    }

    @Test
    void sync_failureOfTheMutableLogStopsWrites() throws IOException {
        TestBackend backend = TestBackend.concurrent();
        try (MemTableSet set = open(backend, 1 << 20)) {
            set.put(b("a"), b("1"));
            Path log = fileOf(set.mutable().id());
            backend.log(log).fail(new IOException("Input/output error"));
            assertThrows(IOException.class, set::sync);
            assertStopped(assertThrows(UncheckedIOException.class,
                    () -> set.put(b("b"), b("2"))), log);
            assertTrue(set.resume());
        }
    }

    @Test
    void resume_whenNotStoppedDoesNothing() throws IOException {
        try (MemTableSet set = MemTableSet.builder().backend(TestBackend.concurrent()).build()) {
            set.put(b("a"), b("1"));
            assertFalse(set.resume());
            assertEquals(List.of(), set.immutables());
        }
    }

    private static void assertStopped(UncheckedIOException e, Path log) {
        String m = e.getMessage();
        assertTrue(m.startsWith("writes are stopped: the write-ahead log " + log), m);
        assertTrue(m.contains("No space left on device") || m.contains("File too large")
                || m.contains("Input/output error"), "names the cause: " + m);
        assertTrue(m.contains("call resume()"), m);
    }

    // ------------------------------------------------------------------ ids at the top

    /**
     * The newest log is near the largest id: freezes use up the last ids, then the freeze that
     * would need an id past {@code Long.MAX_VALUE} fails clearly, nothing is lost, no file with a
     * negative name appears, and the directory opens again with everything in it.
     */
    @Test
    void freeze_pastTheLargestIdFailsClearlyAndTheDirectoryStaysOpenable() throws IOException {
        TestBackend backend = TestBackend.concurrent();
        Files.createDirectories(tmp.resolve("wal"));
        try (MemTable t = backend.createWithWal(Long.MAX_VALUE - 2, fileOf(Long.MAX_VALUE - 2))) {
            t.put(b("old"), b("0"));
        }
        try (MemTableSet set = open(backend, 1 << 20)) {
            assertEquals(Long.MAX_VALUE - 1, set.mutable().id());
            set.put(b("k1"), b("1"));
            assertTrue(set.freeze());
            assertEquals(Long.MAX_VALUE, set.mutable().id());
            set.put(b("k2"), b("2"));
            UncheckedIOException e = assertThrows(UncheckedIOException.class, set::freeze);
            assertTrue(e.getMessage().contains("no table id is left after " + Long.MAX_VALUE),
                    e.getMessage());
            set.put(b("k3"), b("3"));
        }
        try (Stream<Path> files = Files.list(tmp.resolve("wal"))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("-")));
        }
        try (MemTableSet set = open(backend, 1 << 20)) {
            assertEquals(Long.MAX_VALUE, set.mutable().id(), "the top log is mutable again");
            for (String k : List.of("old", "k1", "k2", "k3")) {
                assertTrue(set.get(b(k)).isPresent(), k + " survived");
            }
            set.put(b("k4"), b("4"));
            assertThrows(UncheckedIOException.class, set::freeze);
        }
    }

    // ------------------------------------------------------------------ messages

    @Test
    void build_lockFileThatCannotBeOpenedNamesItAndTheCause() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("wal"));
        Files.createDirectory(dir.resolve("LOCK"));
        IOException e = assertThrows(IOException.class, () -> open(TestBackend.concurrent(), 10));
        assertTrue(e.getMessage().contains(dir.resolve("LOCK").toString()), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("is a directory"), e.getMessage());
    }

    @Test
    void build_logThatCannotBeReadNamesItAndThePermission() throws IOException {
        TestBackend backend = TestBackend.concurrent();
        try (MemTableSet set = open(backend, 1 << 20)) {
            set.put(b("a"), b("1"));
        }
        Path log = fileOf(1);
        backend.failRecovery(new AccessDeniedException(log.toString()));
        IOException e = assertThrows(IOException.class, () -> open(backend, 1 << 20));
        assertEquals("could not recover the write-ahead log " + log + " of memtable 1:"
                + " permission denied", e.getMessage());
        backend.failRecovery(null);
        try (MemTableSet set = open(backend, 1 << 20)) {
            assertEquals(Optional.of(b("1")), set.get(b("a")), "a failed build left it intact");
        }
    }

    @Test
    void freeze_thatCannotCreateTheLogNamesItAndTheCause() throws IOException {
        TestBackend backend = TestBackend.concurrent();
        try (MemTableSet set = open(backend, 1 << 20)) {
            set.put(b("a"), b("1"));
            Files.createDirectory(fileOf(set.mutable().id() + 1));
            UncheckedIOException e = assertThrows(UncheckedIOException.class, set::freeze);
            assertTrue(e.getMessage().startsWith("could not create the write-ahead log "
                    + fileOf(set.mutable().id() + 1) + " of memtable "), e.getMessage());
            assertTrue(e.getMessage().endsWith(": already exists"),
                    e.getMessage());
        }
    }

    // ------------------------------------------------------------------ overshoot

    /**
     * Four writers fill 4 KiB tables while creating each next log takes 20 ms (two slow fsyncs):
     * no frozen table may exceed the freeze size by more than the writes in flight, one per
     * writer. Before, the writers kept filling the full table for as long as the freeze took.
     */
    @Test
    void put_tableOvershootStaysWithinTheWritesInFlightWhileLogsAreSlowToCreate()
            throws Exception {
        TestBackend backend = TestBackend.concurrent();
        backend.logCreationDelay(20);
        int writers = 4;
        long freezeAt = 4096;
        Bytes value = Bytes.wrap(new byte[100]);
        try (MemTableSet set = open(backend, freezeAt)) {
            AtomicBoolean running = new AtomicBoolean(true);
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                threads.add(start("writer-" + w, () -> {
                    try {
                        for (int i = 0; running.get(); i++) {
                            set.put(b(String.format("w%d-%010d", id, i)), value);
                        }
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }));
            }
            long deadline = System.nanoTime() + SetTestSupport.PATIENCE_NANOS;
            while (set.immutables().size() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            running.set(false);
            for (Thread t : threads) {
                join(t);
            }
            assertEquals(List.of(), List.copyOf(failures));
            long writeSize = 16 + value.length();
            long bound = freezeAt - 1 + writers * writeSize;
            for (MemTable t : set.immutables()) {
                assertTrue(t.approximateSize() <= bound, "table " + t.id() + " holds "
                        + t.approximateSize() + " bytes: more than " + freezeAt + " + the "
                        + writers + " writes in flight");
            }
            assertTrue(set.immutables().size() >= 20, "expected 20 freezes");
        }
    }

    // ------------------------------------------------------------------ sealed tables

    @Test
    void freezeAndRecovery_leaveNoLogOpenInImmutableTables() throws IOException {
        TestBackend backend = TestBackend.concurrent();
        List<Long> frozen = new ArrayList<>();
        try (MemTableSet set = open(backend, 1 << 20)) {
            for (int i = 0; i < 3; i++) {
                set.put(b("k" + i), b("v"));
                set.freeze();
            }
            set.oldestImmutable(); // returns once the freeze has sealed the table
            for (MemTable t : set.immutables()) {
                t.syncWal();
                frozen.add(t.id());
                assertTrue(backend.log(fileOf(t.id())).isClosed(), "frozen " + t + " is sealed");
            }
            assertFalse(backend.log(fileOf(set.mutable().id())).isClosed());
        }
        TestBackend reopened = TestBackend.concurrent();
        try (MemTableSet set = open(reopened, 1 << 20)) {
            assertEquals(frozen.size(), set.immutables().size());
            for (MemTable t : set.immutables()) {
                assertTrue(reopened.log(fileOf(t.id())).isClosed(), "recovered " + t
                        + " is sealed");
                assertFalse(t.isEmpty(), "and readable");
            }
            assertFalse(reopened.log(fileOf(set.mutable().id())).isClosed());
        }
    }
}
