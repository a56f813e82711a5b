package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruption;
import dev.memtable.WalCorruptionException;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import dev.memtable.spi.WalInspector;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedDiskTest {

    private static final Path FILE = Path.of("simulated", "a.log");

    private final SimulatedDisk disk = new SimulatedDisk();

    @Test
    void create_existingFile_throwsFileAlreadyExists() throws IOException {
        disk.create(FILE, WalOptions.defaults()).close();
        assertThrows(FileAlreadyExistsException.class,
                () -> disk.create(FILE, WalOptions.defaults()));
    }

    @Test
    void recover_missingFile_throwsNoSuchFile() {
        assertThrows(NoSuchFileException.class,
                () -> disk.recover(FILE, WalOptions.defaults(), (s, b) -> { }));
        assertFalse(disk.exists(FILE));
    }

    @Test
    void recover_fileWithOpenLog_isRefused() throws IOException {
        disk.create(FILE, WalOptions.defaults());
        assertThrows(FileSystemException.class,
                () -> disk.recover(FILE, WalOptions.defaults(), (s, b) -> { }));
    }

    @Test
    void recover_replaysEveryRecordInOrder_andAppendsAfterThem() throws IOException {
        Wal log = disk.create(FILE, WalOptions.defaults());
        long first = log.append(key("a"), value("1"), 1);
        long second = log.append(new WriteBatch().put(key("b"), value("2")).delete(key("a")), 7);
        assertEquals(8 + 8 + 8 + 2, first, "position after a put of 1 + 1 bytes");
        assertEquals(first + 8 + 8 + 8 + 2 + 8 + 1, second, "position after a two-entry batch");
        log.close();
        List<List<WriteBatch.Entry>> replayed = new ArrayList<>();
        Wal again = disk.recover(FILE, WalOptions.defaults(), (s, b) -> replayed.add(b.entries()));
        assertEquals(List.of(List.of(new WriteBatch.Entry(key("a"), value("1"))),
                List.of(new WriteBatch.Entry(key("b"), value("2")),
                        new WriteBatch.Entry(key("a"), Bytes.EMPTY))), replayed);
        assertEquals(second, again.position());
        again.append(key("c"), value("3"), 2);
        assertEquals(3, disk.records(FILE).size());
    }

    @Test
    void recover_replaysEachRecordWithItsOwnSequence() throws IOException {
        Wal log = disk.create(FILE, WalOptions.defaults());
        log.append(key("a"), value("1"), 11);
        log.append(new WriteBatch().put(key("b"), value("2")).delete(key("c")), 10);
        log.append(key("a"), Bytes.EMPTY, MemTable.MAX_SEQUENCE);
        log.close();
        assertEquals(List.of(11L, 10L, MemTable.MAX_SEQUENCE), disk.sequences(FILE));
        List<Long> replayed = new ArrayList<>();
        disk.recover(FILE, WalOptions.defaults(), (s, b) -> replayed.add(s)).close();
        assertEquals(List.of(11L, 10L, MemTable.MAX_SEQUENCE), replayed,
                "sequences replayed, in file order");
        List<Long> inspected = new ArrayList<>();
        disk.inspect(FILE, RecoveryMode.STRICT, new WalInspector() {
            @Override
            public void record(long offset, long length, long sequence, WriteBatch batch) {
                inspected.add(sequence);
            }

            @Override
            public void damage(WalCorruption corruption) {
                throw new AssertionError(corruption.toString());
            }
        });
        assertEquals(replayed, inspected, "sequences inspected");
    }

    @Test
    void recover_recordWithASequenceOutOfRange_isDamage() throws IOException {
        for (long bad : new long[] {0, -1, MemTable.MAX_SEQUENCE + 1}) {
            Path file = Path.of("simulated", "bad" + bad + ".log");
            Wal log = disk.create(file, WalOptions.defaults());
            log.append(key("a"), value("1"), 1);
            log.append(key("b"), value("2"), bad);
            log.append(key("c"), value("3"), 3);
            log.close();
            WalCorruptionException e = assertThrows(WalCorruptionException.class,
                    () -> disk.recover(file, WalOptions.defaults(), (s, b) -> { }));
            assertTrue(e.reason().startsWith("sequence " + bad + " out of range"), e.reason());
        }
    }

    @Test
    void append_batchIsCopied_soLaterChangesToItAreNotLogged() throws IOException {
        Wal log = disk.create(FILE, WalOptions.defaults());
        WriteBatch batch = new WriteBatch().put(key("a"), value("1"));
        log.append(batch, 1);
        batch.put(key("b"), value("2"));
        assertEquals(List.of(List.of(new WriteBatch.Entry(key("a"), value("1")))),
                disk.records(FILE));
    }

    @Test
    void powerLoss_dropsRecordsNotSynced_andKillsOpenLogs() throws IOException {
        Wal log = disk.create(FILE, WalOptions.defaults());
        log.append(key("a"), value("1"), 3);
        long second = log.append(key("b"), value("2"), 4);
        log.append(key("c"), value("3"), 5);
        log.syncTo(second);
        log.append(key("d"), value("4"), 6);
        disk.powerLoss();
        assertEquals(2, disk.records(FILE).size(), "records after the power loss");
        assertThrows(IOException.class, () -> log.append(key("e"), value("5"), 7));
        assertThrows(IOException.class, log::sync);
        log.close();
        Wal again = disk.recover(FILE, WalOptions.defaults(), (s, b) -> { });
        assertEquals(second, again.position());
    }

    @Test
    void powerLoss_keepsAClosedLogWhole() throws IOException {
        Wal log = disk.create(FILE, WalOptions.defaults());
        log.append(key("a"), value("1"), 8);
        log.close();
        disk.powerLoss();
        assertEquals(1, disk.records(FILE).size());
        assertTrue(disk.exists(FILE), "a created file survives a power loss");
    }

    @Test
    void refuseNextAppend_failsThatAppendAndTheLogForGood() throws IOException {
        Wal log = disk.create(FILE, WalOptions.defaults());
        log.append(key("a"), value("1"), 9);
        disk.refuseNextAppend(FILE);
        IOException refused = assertThrows(IOException.class,
                () -> log.append(key("b"), value("2"), 10));
        IOException later = assertThrows(IOException.class,
                () -> log.append(key("c"), value("3"), 11));
        assertSame(refused.getCause(), later.getCause(), "later calls carry the first failure");
        assertThrows(IOException.class, log::sync);
        assertThrows(IOException.class, log::close);
        assertEquals(1, disk.records(FILE).size(), "the refused record is not on the disk");
    }

    @Test
    void refuseNextSync_failsThatSyncAndTheLogForGood() throws IOException {
        Wal log = disk.create(FILE, WalOptions.defaults());
        long end = log.append(key("a"), value("1"), 12);
        disk.refuseNextSync(FILE);
        assertThrows(IOException.class, () -> log.syncTo(end));
        assertThrows(IOException.class, log::sync);
        assertThrows(IOException.class, () -> log.append(key("b"), value("2"), 13));
        disk.powerLoss();
        assertEquals(0, disk.records(FILE).size(), "the record whose sync failed is lost");
    }

    @Test
    void refuseNextSync_failsTheFinalSyncOfClose() throws IOException {
        Wal log = disk.create(FILE, WalOptions.defaults());
        log.append(key("a"), value("1"), 14);
        disk.refuseNextSync(FILE);
        assertThrows(IOException.class, log::close);
        log.close();
        disk.powerLoss();
        assertEquals(0, disk.records(FILE).size());
    }

    @Test
    void syncTo_positionPastTheEnd_throwsIllegalArgument() throws IOException {
        Wal log = disk.create(FILE, WalOptions.defaults());
        long end = log.append(key("a"), value("1"), 15);
        assertThrows(IllegalArgumentException.class, () -> log.syncTo(end + 1));
        assertThrows(IllegalArgumentException.class, () -> log.syncTo(-1));
    }

    @Test
    void recover_damageFollowedByIntactRecords_defaultModeRefusesAndLeavesTheFile()
            throws IOException {
        fiveRecords();
        disk.damage(FILE, 2);
        List<List<WriteBatch.Entry>> before = disk.records(FILE);
        List<Bytes> replayed = new ArrayList<>();
        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> disk.recover(FILE, WalOptions.defaults(),
                        (s, b) -> replayed.add(b.entries().get(0).key())));
        assertEquals(List.of(key("k0"), key("k1")), replayed, "nothing after the damage");
        assertEquals(2 * 28L, e.offset(), "offset of record 2");
        assertTrue(e.reason().contains("intact records follow"), e.reason());
        assertEquals(before, disk.records(FILE));
        assertThrows(WalCorruptionException.class, () -> disk.recover(FILE,
                WalOptions.defaults().withRecoveryMode(RecoveryMode.STRICT), (s, b) -> { }));
    }

    @Test
    void recover_damagedTail_defaultModeDropsAndReportsIt_strictRefuses() throws IOException {
        fiveRecords();
        disk.damage(FILE, 3);
        disk.damage(FILE, 4);
        assertThrows(WalCorruptionException.class, () -> disk.recover(FILE,
                WalOptions.defaults().withRecoveryMode(RecoveryMode.STRICT), (s, b) -> { }));
        List<WalCorruption> reports = new ArrayList<>();
        List<WriteBatch> replayed = new ArrayList<>();
        Wal log = disk.recover(FILE, WalOptions.defaults().withCorruptionListener(reports::add),
                (s, b) -> replayed.add(b));
        assertEquals(3, replayed.size());
        assertEquals(List.of(new WalCorruption(FILE, 3 * 28L, 2 * 28L, "checksum mismatch")),
                reports, "one report for the torn tail");
        assertEquals(3, disk.records(FILE).size(), "the torn tail is cut off");
        assertEquals(3 * 28L, log.position());
    }

    @Test
    void recover_salvage_skipsAndReportsEveryDamagedRecord() throws IOException {
        fiveRecords();
        disk.damage(FILE, 1);
        disk.damage(FILE, 3);
        List<WalCorruption> reports = new ArrayList<>();
        List<Bytes> replayed = new ArrayList<>();
        disk.recover(FILE, WalOptions.defaults().withRecoveryMode(RecoveryMode.SALVAGE)
                .withCorruptionListener(reports::add), (s, b) -> replayed.add(b.entries().get(0).key()));
        assertEquals(List.of(key("k0"), key("k2"), key("k4")), replayed);
        assertEquals(2, reports.size(), "reports: " + reports);
        assertEquals(5, disk.records(FILE).size(), "damage in the middle stays in the file");
    }

    @Test
    void recover_recordOverTheLimits_isDamage() throws IOException {
        Wal log = disk.create(FILE, WalOptions.defaults());
        log.append(key("a"), value("1"), 16);
        log.append(Bytes.wrap(new byte[MemTable.MAX_KEY_LENGTH + 1]), value("v"), 17);
        log.append(key("c"), value("3"), 18);
        log.close();
        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> disk.recover(FILE, WalOptions.defaults(), (s, b) -> { }));
        assertTrue(e.reason().startsWith("entry over the size limits"), e.reason());
    }

    @Test
    void inspect_reportsRecordsAndDamage_andChangesNothing() throws IOException {
        fiveRecords();
        disk.damage(FILE, 4);
        List<Long> offsets = new ArrayList<>();
        List<WalCorruption> damage = new ArrayList<>();
        long end = disk.inspect(FILE, RecoveryMode.TOLERATE_TORN_TAIL, new WalInspector() {
            @Override
            public void record(long offset, long length, long sequence, WriteBatch batch) {
                offsets.add(offset);
            }

            @Override
            public void damage(WalCorruption corruption) {
                damage.add(corruption);
            }
        });
        assertEquals(List.of(0L, 28L, 56L, 84L), offsets);
        assertEquals(1, damage.size());
        assertEquals(4 * 28L, end);
        assertEquals(5, disk.records(FILE).size(), "inspect cuts nothing off");
    }

    @Test
    void faultsAndLooks_unknownFile_throwIllegalArgument() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> disk.refuseNextAppend(FILE));
        assertThrows(IllegalArgumentException.class, () -> disk.refuseNextSync(FILE));
        assertThrows(IllegalArgumentException.class, () -> disk.records(FILE));
        fiveRecords();
        assertThrows(IllegalArgumentException.class, () -> disk.damage(FILE, 5));
    }

    /** Five puts {@code k<i> -> v<i>}, 28 bytes each, closed. */
    private void fiveRecords() throws IOException {
        try (Wal log = disk.create(FILE, WalOptions.defaults())) {
            for (int i = 0; i < 5; i++) {
                log.append(key("k" + i), value("v" + i), i + 1);
            }
        }
    }
}
