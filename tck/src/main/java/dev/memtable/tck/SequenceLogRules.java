package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.value;
import static dev.memtable.tck.TckSupport.versionsOf;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import dev.memtable.tck.VersionModel.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules {@code seq13}–{@code seq15}: sequences and the write-ahead log (capability
 * {@link Capability#WAL}). Each record carries its sequence; recovery rebuilds every version
 * with its own sequence and {@code lastSequence()} is the highest recovered; a write the table
 * refuses, for a bad sequence or because the log failed, changes neither the log nor
 * {@code lastSequence()}. seq14 uses the log found on the test path, seq13 and seq15 a
 * {@link SimulatedDisk}.
 *
 * <p>When one fails, look at what the backend hands the log ({@code Wal.append(…, sequence)})
 * and at its replay: it must apply each record at the sequence recovery hands it
 * ({@code WalReplay.replay(sequence, batch)}), never at a fresh one.
 */
public interface SequenceLogRules extends ContractSupport {

    /**
     * <b>seq13</b>: every write reaches the log with its sequence (one record per put, delete
     * or batch: the versioned ones at theirs, an unversioned one at {@code lastSequence() + 1});
     * a write refused for a bad sequence appends nothing, and a write whose append fails leaves
     * {@code lastSequence()}, the versions and the log as they were.
     * <p>If it fails: check the sequence before appending, and raise {@code lastSequence()} only
     * once the write is applied, after the log took it.
     */
    @Test
    default void optional_seq13_logTakesEachWriteWithItsSequence(@TempDir Path dir)
            throws IOException {
        SimulatedDisk disk = new SimulatedDisk();
        MemTableProvider backend = onDisk(disk);
        Path file = dir.resolve("seq13.log");
        MemTable t = closeQuietlyAfterRule(backend.createWithWal(1, file));
        t.put(key("a"), value("1"), 5);
        t.delete(key("b"), 3);
        t.write(new WriteBatch().put(key("c"), value("3")).put(key("a"), value("x")), 9);
        t.put(key("c"), value("4"));
        assertEquals(List.of(5L, 3L, 9L, 10L), disk.sequences(file), "the sequences of the"
                + " records after put at 5, delete at 3, a batch at 9 and an unversioned put");
        List<Version> before = versionsOf(t);
        for (long bad : new long[] {0, -1, MemTable.MAX_SEQUENCE + 1}) {
            assertThrows(IllegalArgumentException.class, () -> t.put(key("d"), value("5"), bad),
                    "put(d, 5, " + bad + ")");
            assertThrows(IllegalArgumentException.class,
                    () -> t.write(new WriteBatch().delete(key("d")), bad),
                    "write(batch, " + bad + ")");
        }
        assertEquals(4, disk.records(file).size(), "records after writes refused for their"
                + " sequence");
        disk.refuseNextAppend(file);
        assertThrows(UncheckedIOException.class, () -> t.put(key("d"), value("5"), 20),
                "put(d, 5, 20) whose append the disk refuses");
        assertAll("after the failed append",
                () -> assertEquals(10, t.lastSequence(), "lastSequence()"),
                () -> assertEquals(before, versionsOf(t), "versions()"),
                () -> assertEquals(Optional.empty(), t.get(key("d"), Long.MAX_VALUE), "get(d)"),
                () -> assertEquals(List.of(5L, 3L, 9L, 10L), disk.sequences(file),
                        "the sequences of the records"));
    }

    /**
     * <b>seq14</b>: a table written out of sequence order (its highest sequence first), with
     * tombstones, a batch and a rewritten version, then closed and recovered
     * from its log, holds every version with its own sequence, and {@code lastSequence()} is
     * the highest recovered (not the last record's); an unversioned write after recovery takes
     * the sequence above it, and a second recovery brings that back too.
     * <p>If it fails: replay must apply each record at its sequence and raise
     * {@code lastSequence()} (and the counter unversioned writes take from) to the highest.
     */
    @Test
    default void optional_seq14_recoveryRestoresEveryVersionAndTheLastSequence(
            @TempDir Path dir) throws IOException {
        MemTableProvider backend = walBackend();
        Path log = dir.resolve("seq14.log");
        List<Version> written;
        try (MemTable t = backend.createWithWal(1, log)) {
            writeVersions(t);
            written = versionsOf(t);
            assertEquals(50, t.lastSequence(), "lastSequence() before the restart");
        }
        List<Version> again;
        try (MemTable r = backend.recoverFromWal(2, log)) {
            assertAll("after recovery",
                    () -> assertEquals(written, versionsOf(r), "versions() recovered"),
                    () -> assertEquals(50, r.lastSequence(), "lastSequence() recovered"),
                    () -> assertEquals(Optional.of(value("k30")), r.get(key("k"), 49),
                            "get(k, 49) recovered"));
            r.put(key("k"), value("after"));
            assertEquals(51, r.lastSequence(), "lastSequence() after an unversioned put on the"
                    + " recovered table");
            assertEquals(Optional.of(value("after")), r.get(key("k")), "get(k) after it");
            again = versionsOf(r);
        }
        try (MemTable r = backend.recoverFromWal(3, log)) {
            assertEquals(again, versionsOf(r), "versions() after a second recovery");
            assertEquals(51, r.lastSequence(), "lastSequence() after a second recovery");
        }
    }

    /**
     * <b>seq15</b>: the same through a {@link SimulatedDisk}: recovered after a close, every
     * version comes back with its own sequence and {@code lastSequence()} is the highest; after a
     * power loss, the versions synced before it come back with theirs.
     * <p>If it fails: as seq14; if only the power loss part fails, look at what the backend
     * syncs.
     */
    @Test
    default void optional_seq15_recoveryThroughAnInjectedLogKeepsSequences(@TempDir Path dir)
            throws IOException {
        SimulatedDisk disk = new SimulatedDisk();
        MemTableProvider backend = onDisk(disk);
        Path file = dir.resolve("seq15.log");
        MemTable t = closeQuietlyAfterRule(backend.createWithWal(1, file));
        writeVersions(t);
        List<Version> written = versionsOf(t);
        t.close();
        MemTable r = closeQuietlyAfterRule(backend.recoverFromWal(2, file));
        assertAll("after recovery through the injected log",
                () -> assertEquals(written, versionsOf(r), "versions() recovered"),
                () -> assertEquals(50, r.lastSequence(), "lastSequence() recovered"));
        r.put(key("p"), value("synced"), 70);
        r.syncWal();
        r.put(key("q"), value("lost"), 80);
        disk.powerLoss();
        MemTable p = closeQuietlyAfterRule(backend.recoverFromWal(3, file));
        List<Version> survivors = versionsOf(p);
        assertTrue(survivors.contains(new Version(key("p"), 70, value("synced"))),
                "the version synced before the power loss, p@70, is recovered: " + survivors);
        assertTrue(p.lastSequence() == 70 || p.lastSequence() == 80, "lastSequence() after the"
                + " power loss: 70, or 80 if the last put survived too; was "
                + p.lastSequence());
    }

    /**
     * Writes versions out of order, the highest (50) first, then below it: puts, a tombstone, a
     * batch holding a key twice, a rewritten version and a version of the empty key.
     */
    private static void writeVersions(MemTable t) {
        t.put(key("z"), value("z50"), 50);
        t.put(key("k"), value("k30"), 30);
        t.put(key("k"), value("k10"), 10);
        t.delete(key("k"), 20);
        t.write(new WriteBatch().put(key("b"), value("b")).delete(key("z"))
                .put(key("b"), value("b2")), 40);
        t.put(key("k"), value("K10"), 10);
        t.put(Bytes.EMPTY, value("e"), 1);
    }

    /** The backend under test, after skipping the rule unless it declares WAL. */
    private MemTableProvider walBackend() {
        assumeCapability(Capability.WAL);
        return testedProvider();
    }

    /** The backend under test logging to {@code disk}, after skipping the rule unless WAL. */
    private MemTableProvider onDisk(SimulatedDisk disk) {
        MemTableProvider backend = walBackend();
        MemTableProvider view;
        try {
            view = backend.withWalProvider(disk);
        } catch (UnsupportedOperationException e) {
            throw new AssertionError("backend '" + backend.name() + "' declares Capability.WAL,"
                    + " so withWalProvider(WalProvider) must work, but it threw " + e, e);
        }
        assertTrue(view != null, "withWalProvider returned null");
        return view;
    }

    /** Closes {@code table} after the rule, ignoring what its close throws. */
    private MemTable closeQuietlyAfterRule(MemTable table) {
        fixture().closeAfterRule(() -> {
            try {
                table.close();
            } catch (Exception ignored) {
                // The rule is about what happened before.
            }
        });
        return table;
    }
}
