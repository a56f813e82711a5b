package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.contents;
import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.RecoveryMode;
import dev.memtable.SyncPolicy;
import dev.memtable.WalCorruption;
import dev.memtable.WalCorruptionException;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules {@code fault01}–{@code fault10}: the backend's write-ahead-log plumbing, checked by
 * putting a {@link SimulatedDisk} under it through
 * {@link MemTableProvider#withWalProvider}. The disk refuses an append or a sync on demand,
 * loses every byte not yet synced when the power goes, and has records damaged on demand; so
 * these rules see what a real disk shows only after a crash: a write reported durable that was
 * not, a write the log refused that changed memory anyway, a damaged log recovered as if whole.
 *
 * <p>Every rule needs {@link Capability#WAL}, and a backend that declares it must accept an
 * injected log. When one fails, look at the order in the backend's write path: check the
 * arguments, append, sync if the policy says so, and only then change memory and size; and
 * look at what {@code syncWal}, {@code close} and {@code recoverFromWal} hand to the log.
 */
public interface FaultRules extends ContractSupport {

    /**
     * <b>fault01</b>: a backend given a log implementation uses it: {@code createWithWal} makes
     * its file there, each put, delete and non-empty batch appends exactly one record (a batch
     * as one), an empty batch appends none, and recovery replays through it.
     * <p>If it fails: {@code withWalProvider} must return a view whose tables log through the
     * given implementation, not through the one discovery finds.
     */
    @Test
    default void optional_fault01_injectedLogTakesEveryWrite(@TempDir Path dir)
            throws IOException {
        SimulatedDisk disk = new SimulatedDisk();
        MemTableProvider backend = onDisk(disk);
        Path file = dir.resolve("fault01.log");
        MemTable t = closeQuietlyAfterRule(backend.createWithWal(1, file));
        assertTrue(disk.exists(file), "createWithWal on the provider returned by"
                + " withWalProvider(disk) did not create its log on that disk");
        t.put(key("a"), value("1"));
        t.delete(key("b"));
        t.write(new WriteBatch().put(key("c"), value("3")).delete(key("a")));
        t.write(new WriteBatch());
        assertEquals(List.of(
                List.of(new WriteBatch.Entry(key("a"), value("1"))),
                List.of(new WriteBatch.Entry(key("b"), Bytes.EMPTY)),
                List.of(new WriteBatch.Entry(key("c"), value("3")),
                        new WriteBatch.Entry(key("a"), Bytes.EMPTY))),
                disk.records(file), "records on the injected log after a put, a delete, a"
                        + " two-entry batch and an empty batch (one record each, none for the"
                        + " empty batch)");
        t.close();
        MemTable r = closeQuietlyAfterRule(backend.recoverFromWal(2, file));
        assertEquals(List.of(Map.entry(key("a"), Bytes.EMPTY), Map.entry(key("b"), Bytes.EMPTY),
                Map.entry(key("c"), value("3"))), contents(r), "contents recovered through the"
                + " injected log");
    }

    /**
     * <b>fault02</b>: with {@link SyncPolicy#EXPLICIT}, and again with {@link SyncPolicy#BUFFERED},
     * every write accepted before {@code syncWal()} returned survives a power loss: put, delete
     * and batch, and the size. Of the writes after it, a power loss may keep some, but only whole
     * and in order (a prefix).
     * <p>If it fails: {@code syncWal()} must sync the log ({@code Wal.sync()}) under either
     * policy, not only flush a buffer or do nothing.
     */
    @Test
    default void optional_fault02_syncedWritesSurvivePowerLoss(@TempDir Path dir)
            throws IOException {
        for (SyncPolicy policy : List.of(SyncPolicy.EXPLICIT, SyncPolicy.BUFFERED)) {
            SimulatedDisk disk = new SimulatedDisk();
            MemTableProvider backend = onDisk(disk);
            Path file = dir.resolve("fault02-" + policy + ".log");
            MemTable t = closeQuietlyAfterRule(backend.createWithWal(1, file,
                    WalOptions.defaults().withSyncPolicy(policy)));
            ReferenceModel model = new ReferenceModel();
            mixedWrites(t, model, "synced-");
            t.syncWal();
            List<TableState> allowed = new ArrayList<>(List.of(TableState.of(model)));
            for (SampleWrite w : SampleWrite.onePerPath()) {
                w.action().accept(t);
                model.write(w.effect());
                allowed.add(TableState.of(model));
            }
            disk.powerLoss();
            MemTable r = closeQuietlyAfterRule(backend.recoverFromWal(1, file));
            TableState recovered = TableState.of(r, List.of());
            if (!allowed.contains(recovered)) {
                assertEquals(allowed.get(0), recovered, "recovered with " + policy + " after"
                        + " syncWal(), three more writes and a power loss (expected the synced"
                        + " writes, plus at most a prefix of the later ones)");
            }
        }
    }

    /**
     * <b>fault03</b>: with {@link SyncPolicy#EVERY_WRITE}, a put, a delete or a batch that
     * returned survives a power loss that comes right after it, without {@code syncWal()}.
     * <p>If it fails: a table created with this policy must wait for {@code Wal.syncTo} of the
     * position its own record ends at, on every write path, before the write returns.
     */
    @Test
    default void optional_fault03_everyWritePolicySurvivesPowerLoss(@TempDir Path dir)
            throws IOException {
        SimulatedDisk disk = new SimulatedDisk();
        MemTableProvider backend = onDisk(disk);
        int n = 0;
        for (SampleWrite w : SampleWrite.onePerPath()) {
            Path file = dir.resolve("fault03-" + n++ + ".log");
            MemTable t = closeQuietlyAfterRule(backend.createWithWal(1, file, everyWrite()));
            ReferenceModel written = new ReferenceModel();
            t.put(key("a"), value("1"));
            written.put(key("a"), value("1"));
            w.action().accept(t);
            written.write(w.effect());
            disk.powerLoss();
            assertSurvivors(backend, file, written, "put(a, 1), " + w.call()
                    + " with EVERY_WRITE, and a power loss");
        }
    }

    /**
     * <b>fault04</b>: {@code close()} makes every accepted write durable: after a close and a
     * power loss, recovery gives everything.
     * <p>If it fails: {@code close()} must close (and so sync) the log.
     */
    @Test
    default void optional_fault04_closeMakesWritesDurable(@TempDir Path dir) throws IOException {
        SimulatedDisk disk = new SimulatedDisk();
        MemTableProvider backend = onDisk(disk);
        Path file = dir.resolve("fault04.log");
        MemTable t = closeQuietlyAfterRule(backend.createWithWal(1, file));
        ReferenceModel written = new ReferenceModel();
        mixedWrites(t, written, "");
        t.close();
        disk.powerLoss();
        assertSurvivors(backend, file, written, "close() and a power loss");
    }

    /**
     * <b>fault05</b>: a put, a delete or a batch whose log append fails throws
     * {@link UncheckedIOException} and is in neither {@code get}, nor scans, nor size, nor
     * {@code isEmpty}; the log stays failed, so {@code syncWal()} then throws and later writes
     * are refused too.
     * <p>If it fails: append first, change memory and size only after the append returned, and
     * keep using the failed log (do not carry on without it).
     */
    @Test
    default void optional_fault05_failedAppendChangesNothing(@TempDir Path dir)
            throws IOException {
        failedWritesChangeNothing(dir, "fault05", WalOptions.defaults(),
                SimulatedDisk::refuseNextAppend, "append");
    }

    /**
     * <b>fault06</b>: with {@link SyncPolicy#EVERY_WRITE}, a put, a delete or a batch whose sync
     * fails throws {@link UncheckedIOException} and changes nothing, as in fault05.
     * <p>If it fails: change memory only after the record is durable, not between the append
     * and the sync.
     */
    @Test
    default void optional_fault06_failedSyncChangesNothing(@TempDir Path dir)
            throws IOException {
        failedWritesChangeNothing(dir, "fault06", everyWrite(), SimulatedDisk::refuseNextSync,
                "sync");
    }

    /**
     * <b>fault07</b>: a failed sync is reported and sticks: {@code syncWal()} throws
     * {@link IOException} then and on every later call, a later put throws
     * {@link UncheckedIOException} and changes nothing, and the writes accepted before stay.
     * <p>If it fails: {@code syncWal()} must not swallow the log's exception.
     */
    @Test
    default void optional_fault07_failedSyncIsReportedAndSticks(@TempDir Path dir)
            throws IOException {
        SimulatedDisk disk = new SimulatedDisk();
        MemTableProvider backend = onDisk(disk);
        Path file = dir.resolve("fault07.log");
        MemTable t = closeQuietlyAfterRule(backend.createWithWal(1, file));
        ReferenceModel accepted = new ReferenceModel();
        mixedWrites(t, accepted, "");
        disk.refuseNextSync(file);
        assertThrows(IOException.class, t::syncWal, "syncWal() whose sync the disk refused");
        assertThrows(IOException.class, t::syncWal, "syncWal() again: a failed log stays failed");
        assertThrows(UncheckedIOException.class, () -> t.put(key("later"), value("x")),
                "put after a failed sync");
        assertEquals(accepted.entries(), contents(t), "entries after the failed sync");
        assertEquals(accepted.approximateSize(), t.approximateSize(), "size after the failed sync");
    }

    /**
     * <b>fault08</b>: in the default recovery mode, a log with a damaged record followed by
     * intact ones is refused with {@link WalCorruptionException} and left as it was; a damaged
     * last record (a torn tail) is dropped and the rest recovered.
     * <p>If it fails: {@code recoverFromWal} must pass the caller's options to the log and let
     * its {@code WalCorruptionException} through: no retry in another mode, no fresh log.
     */
    @Test
    default void optional_fault08_defaultRecoveryRefusesDamageBeforeIntactRecords(
            @TempDir Path dir) throws IOException {
        SimulatedDisk disk = new SimulatedDisk();
        MemTableProvider backend = onDisk(disk);
        Path middle = fiveRecords(backend, dir.resolve("fault08-middle.log"));
        disk.damage(middle, 2);
        List<List<WriteBatch.Entry>> before = disk.records(middle);
        assertThrows(WalCorruptionException.class,
                () -> closeQuietlyAfterRule(backend.recoverFromWal(1, middle)),
                "recoverFromWal (default mode) of a log whose record 2 of 5 is damaged");
        assertEquals(before, disk.records(middle), "the log after the refused recovery");
        Path tail = fiveRecords(backend, dir.resolve("fault08-tail.log"));
        disk.damage(tail, 4);
        MemTable r = closeQuietlyAfterRule(backend.recoverFromWal(1, tail));
        assertEquals(fiveRecordsContents(0, 1, 2, 3), contents(r),
                "recoverFromWal (default mode) of a log whose last record is damaged");
    }

    /**
     * <b>fault09</b>: recovery uses the mode it is given: {@link RecoveryMode#SALVAGE} keeps
     * every intact record around a damaged one and reports the damage to the corruption
     * listener; {@link RecoveryMode#STRICT} refuses even a torn tail.
     * <p>If it fails: pass the caller's {@code WalOptions} to the log unchanged.
     */
    @Test
    default void optional_fault09_recoveryHonoursTheMode(@TempDir Path dir) throws IOException {
        SimulatedDisk disk = new SimulatedDisk();
        MemTableProvider backend = onDisk(disk);
        Path middle = fiveRecords(backend, dir.resolve("fault09-middle.log"));
        disk.damage(middle, 2);
        List<WalCorruption> reports = new ArrayList<>();
        MemTable s = closeQuietlyAfterRule(backend.recoverFromWal(1, middle, WalOptions.defaults()
                .withRecoveryMode(RecoveryMode.SALVAGE).withCorruptionListener(reports::add)));
        assertEquals(fiveRecordsContents(0, 1, 3, 4), contents(s),
                "SALVAGE recovery of a log whose record 2 of 5 is damaged");
        assertEquals(1, reports.size(), "damage reports to the listener in SALVAGE: " + reports);
        Path tail = fiveRecords(backend, dir.resolve("fault09-tail.log"));
        disk.damage(tail, 4);
        assertThrows(WalCorruptionException.class, () -> closeQuietlyAfterRule(
                backend.recoverFromWal(1, tail, WalOptions.defaults()
                        .withRecoveryMode(RecoveryMode.STRICT))),
                "STRICT recovery of a log whose last record is damaged");
    }

    /**
     * <b>fault10</b>: on a table with a log, every refused write (a null key, value or batch, a
     * key or value over its limit, through put, delete and write) throws as it does without a
     * log and reaches neither the table nor the log.
     * <p>If it fails: check the arguments before appending; the log need not check them.
     */
    @Test
    default void optional_fault10_refusedWritesReachNeitherTableNorLog(@TempDir Path dir)
            throws IOException {
        SimulatedDisk disk = new SimulatedDisk();
        MemTableProvider backend = onDisk(disk);
        Path file = dir.resolve("fault10.log");
        MemTable t = closeQuietlyAfterRule(backend.createWithWal(1, file));
        t.put(key("k"), value("v"));
        TableState before = TableState.of(t, List.of(key("k")));
        List<List<WriteBatch.Entry>> logged = disk.records(file);
        Bytes longKey = Bytes.wrap(new byte[MemTable.MAX_KEY_LENGTH + 1]);
        Bytes longValue = Bytes.wrap(new byte[MemTable.MAX_VALUE_LENGTH + 1]);
        Map<String, Runnable> calls = new LinkedHashMap<>();
        calls.put("put(null, v)", () -> t.put(null, value("v")));
        calls.put("put(k, null)", () -> t.put(key("k"), null));
        calls.put("delete(null)", () -> t.delete(null));
        calls.put("write(null)", () -> t.write(null));
        calls.put("put(key over the limit, v)", () -> t.put(longKey, value("v")));
        calls.put("delete(key over the limit)", () -> t.delete(longKey));
        calls.put("put(k, value over the limit)", () -> t.put(key("k"), longValue));
        calls.forEach((call, action) -> {
            Class<? extends RuntimeException> expected = call.contains("null")
                    ? NullPointerException.class : IllegalArgumentException.class;
            assertThrows(expected, action::run, call + " on a table with a log");
            assertEquals(before, TableState.of(t, List.of(key("k"))), "the table after " + call);
            assertEquals(logged, disk.records(file), "the log after " + call);
        });
    }

    /**
     * <b>fault11</b>: a seal whose final sync fails says so: {@code seal()} throws
     * {@link IOException}, the table is sealed all the same (a later put throws
     * {@link IllegalStateException}) and the writes it accepted stay readable.
     * <p>If it fails: {@code seal()} must not close its log quietly: whoever seals the table (a
     * memtable set, at a freeze) must learn that its last writes may not be durable.
     */
    @Test
    default void optional_fault11_failedSealIsReported(@TempDir Path dir) throws IOException {
        SimulatedDisk disk = new SimulatedDisk();
        MemTableProvider backend = onDisk(disk);
        Path file = dir.resolve("fault11.log");
        MemTable t = closeQuietlyAfterRule(backend.createWithWal(1, file));
        ReferenceModel accepted = new ReferenceModel();
        mixedWrites(t, accepted, "");
        disk.refuseNextSync(file);
        assertThrows(IOException.class, t::seal, "seal() whose final sync the disk refused");
        assertThrows(IllegalStateException.class, () -> t.put(key("later"), value("x")),
                "put after a failed seal: the table is sealed all the same");
        assertEquals(accepted.entries(), contents(t), "entries after the failed seal");
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The backend under test logging to {@code disk}, after skipping the rule unless it declares
     * {@link Capability#WAL}.
     */
    private MemTableProvider onDisk(SimulatedDisk disk) {
        assumeCapability(Capability.WAL);
        MemTableProvider backend = testedProvider();
        MemTableProvider view;
        try {
            view = backend.withWalProvider(disk);
        } catch (UnsupportedOperationException e) {
            throw new AssertionError("backend '" + backend.name() + "' declares Capability.WAL,"
                    + " so withWalProvider(WalProvider) must work (the kit injects a failing or"
                    + " lossy log through it), but it threw " + e, e);
        }
        assertTrue(view != null, "withWalProvider returned null");
        return view;
    }

    /**
     * Registers {@code table} to be closed after the rule, ignoring what its close throws (its
     * log may have failed or lost power), and returns it.
     */
    private MemTable closeQuietlyAfterRule(MemTable table) {
        fixture().closeAfterRule(() -> {
            try {
                table.close();
            } catch (Exception ignored) {
                // The rule is about what happened before; a close after a fault may throw.
            }
        });
        return table;
    }

    /** A put, a delete and a two-entry batch (put and delete), on the table and the model. */
    private static void mixedWrites(MemTable t, ReferenceModel model, String prefix) {
        t.put(key(prefix + "a"), value("1"));
        model.put(key(prefix + "a"), value("1"));
        t.delete(key(prefix + "b"));
        model.delete(key(prefix + "b"));
        WriteBatch batch = new WriteBatch().put(key(prefix + "c"), value("3"))
                .delete(key(prefix + "a"));
        t.write(batch);
        model.write(batch);
    }

    /** Recovers {@code file} and checks that it holds exactly what {@code model} holds. */
    private void assertSurvivors(MemTableProvider backend, Path file, ReferenceModel model,
                                 String after) throws IOException {
        MemTable r = closeQuietlyAfterRule(backend.recoverFromWal(1, file));
        assertEquals(model.entries(), contents(r), "contents recovered after " + after);
        assertEquals(model.approximateSize(), r.approximateSize(), "size recovered after " + after);
    }

    /**
     * Tries a put, a delete and a batch, each on a new table whose log {@code fault} breaks, and
     * checks that the write throws, changes nothing, and leaves the log failed.
     */
    private void failedWritesChangeNothing(Path dir, String rule, WalOptions options,
                                           BiConsumer<SimulatedDisk, Path> fault,
                                           String what) throws IOException {
        SimulatedDisk disk = new SimulatedDisk();
        MemTableProvider backend = onDisk(disk);
        int n = 0;
        for (SampleWrite w : SampleWrite.onePerPath()) {
            Path file = dir.resolve(rule + "-" + n + ".log");
            MemTable t = closeQuietlyAfterRule(backend.createWithWal(1, file, options));
            if (n++ != 1) {
                t.put(key("a"), value("1"));
            }
            List<Bytes> touched = List.of(key("a"), key("b"), key("c"));
            TableState before = TableState.of(t, touched);
            fault.accept(disk, file);
            String call = w.call() + " whose " + what + " failed";
            assertThrows(UncheckedIOException.class, () -> w.action().accept(t), call);
            assertEquals(before, TableState.of(t, touched), "the table after " + call);
            assertThrows(IOException.class, t::syncWal, "syncWal() after " + call);
            assertThrows(UncheckedIOException.class, () -> t.put(key("c"), value("4")),
                    "put(c, 4) after " + call);
            assertEquals(before, TableState.of(t, touched),
                    "the table after a put following " + call);
        }
    }

    /** Writes five puts (five records) to a new log at {@code file} and closes the table. */
    private static Path fiveRecords(MemTableProvider backend, Path file) throws IOException {
        try (MemTable t = backend.createWithWal(1, file)) {
            for (int i = 0; i < 5; i++) {
                t.put(key("k" + i), value("v" + i));
            }
        }
        return file;
    }

    private static List<Map.Entry<Bytes, Bytes>> fiveRecordsContents(int... kept) {
        List<Map.Entry<Bytes, Bytes>> out = new ArrayList<>();
        for (int i : kept) {
            out.add(Map.entry(key("k" + i), value("v" + i)));
        }
        return out;
    }

    private static WalOptions everyWrite() {
        return WalOptions.defaults().withSyncPolicy(SyncPolicy.EVERY_WRITE);
    }
}
