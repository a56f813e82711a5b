package dev.memtable.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruption;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import dev.memtable.spi.WalInspector;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log's API: limits, round trips, files, locking, closing. */
class FileWalTest {

    @TempDir
    Path dir;

    private final FaultyFs fs = new FaultyFs();
    private final FileWalProvider provider = fs.provider();

    @Test
    void delete_removesTheLogAndFsyncsItsDirectory() throws IOException {
        Path file = dir.resolve("gone.log");
        provider.create(file, WalOptions.defaults()).close();
        int forces = fs.directoryForces.get();
        provider.delete(file);
        assertFalse(Files.exists(file));
        assertEquals(forces + 1, fs.directoryForces.get(), "the deletion is made durable");
        assertEquals(dir.toAbsolutePath(), fs.directoriesForced.get(
                fs.directoriesForced.size() - 1).toAbsolutePath());
        provider.delete(file); // gone already: nothing to do but keep the directory durable
        assertThrows(NullPointerException.class, () -> provider.delete(null));
    }

    @Test
    void delete_reportsAFailedDirectorySync() throws IOException {
        Path file = dir.resolve("gone.log");
        provider.create(file, WalOptions.defaults()).close();
        fs.failDirectorySync = true;
        assertThrows(IOException.class, () -> provider.delete(file));
        assertFalse(Files.exists(file));
    }

    @Test
    void name_isTheChecksumAndVersion() {
        assertEquals("crc32c-v2", new FileWalProvider().name());
    }

    @Test
    void append_largestKeyAndValue_roundTrip() throws IOException {
        byte[] key = new byte[MemTable.MAX_KEY_LENGTH];
        byte[] value = new byte[MemTable.MAX_VALUE_LENGTH];
        Arrays.fill(key, (byte) 0xAB);
        for (int i = 0; i < value.length; i += 4093) {
            value[i] = (byte) i;
        }
        Logs.Rec big = new Logs.Rec(MemTable.MAX_SEQUENCE,
                new WriteBatch().put(Bytes.wrap(key), Bytes.wrap(value)));
        Logs.Rec small = new Logs.Rec(1,
                new WriteBatch().put(Bytes.ofUtf8("after"), Bytes.ofUtf8("big")));
        Path file = dir.resolve("big.wal");
        Logs.write(provider, file, List.of(big, small));
        assertEquals(Logs.expected(List.of(big, small)),
                Logs.recover(provider, file, RecoveryMode.STRICT, false).ok());
    }

    @Test
    void append_largeRecordTorn_isDroppedAsATail() throws IOException {
        Logs.Rec first = new Logs.Rec(1, new WriteBatch().put(Bytes.ofUtf8("a"), Bytes.ofUtf8("b")));
        Logs.Rec big = new Logs.Rec(2,
                new WriteBatch().put(Bytes.ofUtf8("big"), Bytes.wrap(new byte[1 << 20])));
        Path file = dir.resolve("torn.wal");
        List<Long> ends = Logs.write(provider, file, List.of(first, big));
        byte[] bytes = Files.readAllBytes(file);
        Logs.copy(dir, "torn.wal", Arrays.copyOf(bytes, (int) (ends.get(1) + 300_000)));
        Logs.Recovered r = Logs.recover(provider, file, RecoveryMode.TOLERATE_TORN_TAIL, false);
        assertEquals(Logs.expected(List.of(first)), r.ok());
        assertEquals(ends.get(1), Files.size(file));
    }

    @Test
    void append_oversizedInput_isRefusedBeforeAnythingIsWritten() throws IOException {
        Path file = dir.resolve("limits.wal");
        try (Wal wal = provider.create(file, WalOptions.defaults())) {
            long before = wal.position();
            Bytes longKey = Bytes.wrap(new byte[MemTable.MAX_KEY_LENGTH + 1]);
            Bytes longValue = Bytes.wrap(new byte[MemTable.MAX_VALUE_LENGTH + 1]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> wal.append(longKey, Bytes.ofUtf8("v"), 1));
            assertTrue(e.getMessage().contains("65535"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> wal.append(Bytes.ofUtf8("k"), longValue, 1));
            assertThrows(IllegalArgumentException.class, () -> wal.append(new WriteBatch(), 1));
            assertThrows(NullPointerException.class, () -> wal.append(null, Bytes.EMPTY, 1));
            assertThrows(NullPointerException.class, () -> wal.append(Bytes.EMPTY, null, 1));
            assertThrows(NullPointerException.class, () -> wal.append((WriteBatch) null, 1));
            assertEquals(before, wal.position());
            assertEquals(before, Files.size(file));
            // The log still works.
            wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"), 1);
        }
        assertEquals(1, Logs.recover(provider, file, RecoveryMode.STRICT, false).ok().size());
    }

    @Test
    void append_sequenceOutOfRange_isRefusedBeforeAnythingIsWritten() throws IOException {
        Path file = dir.resolve("sequences.wal");
        WriteBatch batch = new WriteBatch().put(Bytes.ofUtf8("a"), Bytes.ofUtf8("1"))
                .delete(Bytes.ofUtf8("b"));
        try (Wal wal = provider.create(file, WalOptions.defaults())) {
            long before = wal.position();
            for (long bad : new long[] {0, -1, MemTable.MAX_SEQUENCE + 1, Long.MIN_VALUE,
                    Long.MAX_VALUE}) {
                IllegalArgumentException single = assertThrows(IllegalArgumentException.class,
                        () -> wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"), bad));
                assertTrue(single.getMessage().contains("sequence " + bad + ":"),
                        single.getMessage());
                assertTrue(single.getMessage().contains(file.toString()), single.getMessage());
                IllegalArgumentException delete = assertThrows(IllegalArgumentException.class,
                        () -> wal.append(Bytes.ofUtf8("k"), Bytes.EMPTY, bad));
                assertTrue(delete.getMessage().contains("sequence " + bad + ":"),
                        delete.getMessage());
                IllegalArgumentException whole = assertThrows(IllegalArgumentException.class,
                        () -> wal.append(batch, bad));
                assertTrue(whole.getMessage().contains("sequence " + bad + ":"),
                        whole.getMessage());
                assertEquals(before, wal.position(), "sequence " + bad);
                assertEquals(before, Files.size(file), "sequence " + bad + " wrote bytes");
            }
            // The log still works, at both ends of the range.
            wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"), MemTable.MAX_SEQUENCE);
            wal.append(batch, 1);
        }
        assertEquals(List.of(
                        new Logs.Replayed(MemTable.MAX_SEQUENCE,
                                new WriteBatch().put(Bytes.ofUtf8("k"), Bytes.ofUtf8("v")).entries()),
                        new Logs.Replayed(1, batch.entries())),
                Logs.recover(provider, file, RecoveryMode.STRICT, false).ok());
    }

    @Test
    void append_sequencesInAnyOrder_comeBackInFileOrderEachWithItsOwn() throws IOException {
        long[] sequences = {5, 1, MemTable.MAX_SEQUENCE, 5, 2, MemTable.MAX_SEQUENCE - 1,
                1L << 32, 0x00ff_0000_0000_0001L};
        List<Logs.Rec> records = new ArrayList<>();
        for (int i = 0; i < sequences.length; i++) {
            WriteBatch b = new WriteBatch().put(Bytes.ofUtf8("k" + i), Bytes.ofUtf8("v" + i));
            if (i % 2 == 1) {
                b.delete(Bytes.ofUtf8("d" + i));       // every other one a two-entry batch
            }
            records.add(new Logs.Rec(sequences[i], b));
        }
        Path file = dir.resolve("order.wal");
        Logs.write(provider, file, records);
        for (RecoveryMode mode : RecoveryMode.values()) {
            assertEquals(Logs.expected(records), Logs.recover(provider, file, mode, false).ok(),
                    mode.toString());
        }
        List<Long> inspected = new ArrayList<>();
        provider.inspect(file, RecoveryMode.STRICT, new WalInspector() {
            @Override
            public void record(long offset, long length, long sequence, WriteBatch batch) {
                inspected.add(sequence);
            }

            @Override
            public void damage(WalCorruption corruption) {
                throw new AssertionError(corruption.toString());
            }
        });
        assertEquals(Arrays.stream(sequences).boxed().toList(), inspected);
    }

    @Test
    void append_returnsTheEndOfEachRecord() throws IOException {
        try (Wal wal = provider.create(dir.resolve("pos.wal"), WalOptions.defaults())) {
            assertEquals(LogFormat.FILE_HEADER_SIZE, wal.position());
            long end = wal.append(Bytes.ofUtf8("key"), Bytes.ofUtf8("value"), 1);
            // header 13 + sequence 8 + count 4 + kind 1 + key length 2 + value length 4 + 3 + 5
            assertEquals(LogFormat.FILE_HEADER_SIZE + 13 + 8 + 4 + 7 + 3 + 5, end);
            assertEquals(end, wal.position());
            long deleteEnd = wal.append(Bytes.ofUtf8("key"), Bytes.EMPTY, 2);
            assertEquals(end + 13 + 8 + 4 + 3 + 3, deleteEnd);
            assertEquals(deleteEnd, Files.size(dir.resolve("pos.wal")),
                    "an appended record must be in the file (operating system cache) at once");
        }
    }

    @Test
    void create_existingFile_failsAndLeavesItAlone() throws IOException {
        Path file = Files.write(dir.resolve("exists.wal"), new byte[] {1, 2, 3});
        assertThrows(FileAlreadyExistsException.class,
                () -> provider.create(file, WalOptions.defaults()));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
    }

    @Test
    void recover_missingFile_throwsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () ->
                provider.recover(dir.resolve("missing.wal"), WalOptions.defaults(), (s, b) -> { }));
        assertFalse(Files.exists(dir.resolve("missing.wal")));
    }

    @Test
    void createAndRecover_nullArguments_throwNullPointer() {
        Path file = dir.resolve("x.wal");
        assertThrows(NullPointerException.class, () -> provider.create(null, WalOptions.defaults()));
        assertThrows(NullPointerException.class, () -> provider.create(file, null));
        assertThrows(NullPointerException.class,
                () -> provider.recover(null, WalOptions.defaults(), (s, b) -> { }));
        assertThrows(NullPointerException.class, () -> provider.recover(file, null, (s, b) -> { }));
        assertThrows(NullPointerException.class,
                () -> provider.recover(file, WalOptions.defaults(), null));
        assertFalse(Files.exists(file));
    }

    @Test
    void create_fsyncsTheFileThenItsDirectory() throws IOException {
        Path file = dir.resolve("new.wal");
        try (Wal wal = provider.create(file, WalOptions.defaults())) {
            assertEquals(1, fs.fileForces.get(), "the header was not fsynced");
            assertEquals(List.of(dir.toAbsolutePath()), fs.directoriesForced);
            assertEquals(LogFormat.FILE_HEADER_SIZE, fs.channel(file).durable());
        }
    }

    @Test
    void create_directoryFsyncFails_removesTheFile() {
        fs.failDirectorySync = true;
        Path file = dir.resolve("new.wal");
        IOException e = assertThrows(IOException.class,
                () -> provider.create(file, WalOptions.defaults()));
        assertTrue(e.getMessage().contains("directory fsync"), e.getMessage());
        assertFalse(Files.exists(file), "a log whose name may not survive a crash was left");
    }

    @Test
    void recover_fsyncsTheFileAndItsDirectory() throws IOException {
        Path file = dir.resolve("r.wal");
        Logs.write(provider, file, Logs.sampleRecords());
        int forces = fs.fileForces.get();
        int dirs = fs.directoryForces.get();
        try (Wal wal = provider.recover(file, WalOptions.defaults(), (s, b) -> { })) {
            assertEquals(forces + 1, fs.fileForces.get());
            assertEquals(dirs + 1, fs.directoryForces.get());
            assertEquals(wal.position(), fs.channel(file).durable());
        }
    }

    @Test
    void recover_logAlreadyOpen_isRefused() throws IOException {
        Path file = dir.resolve("open.wal");
        try (Wal wal = provider.create(file, WalOptions.defaults())) {
            wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"), 1);
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> provider.recover(file, WalOptions.defaults(), (s, b) -> { }));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            // The refused recovery must not have disturbed the open log.
            wal.append(Bytes.ofUtf8("k2"), Bytes.ofUtf8("v2"), 2);
        }
        assertEquals(2, Logs.recover(provider, file, RecoveryMode.STRICT, false).ok().size());
    }

    @Test
    void close_syncsEverythingAndIsIdempotent() throws IOException {
        Path file = dir.resolve("close.wal");
        Wal wal = provider.create(file, WalOptions.defaults());
        long end = wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"), 1);
        wal.close();
        assertEquals(end, fs.channel(file).durable(), "close did not sync");
        wal.close();
        assertThrows(IOException.class, () -> wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"), 2));
        assertThrows(IOException.class, wal::sync);
        assertThrows(IOException.class, () -> wal.syncTo(end));
        assertEquals(end, Files.size(file));
    }

    @Test
    void syncTo_positionOutOfRange_isRefused() throws IOException {
        try (Wal wal = provider.create(dir.resolve("range.wal"), WalOptions.defaults())) {
            long end = wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"), 1);
            assertThrows(IllegalArgumentException.class, () -> wal.syncTo(end + 1));
            assertThrows(IllegalArgumentException.class, () -> wal.syncTo(-1));
            wal.syncTo(end);
        }
    }

    @Test
    void syncTo_alreadyDurable_doesNotFsyncAgain() throws IOException {
        Path file = dir.resolve("again.wal");
        try (Wal wal = provider.create(file, WalOptions.defaults())) {
            long end = wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"), 1);
            int before = fs.fileForces.get();
            wal.syncTo(end);
            wal.syncTo(end);
            wal.sync();
            assertEquals(before + 1, fs.fileForces.get());
            assertEquals(end, fs.channel(file).durable());
        }
    }

    @Test
    void appendAndSync_interruptedThread_keepTheLogUsableAndTheInterrupt() throws IOException {
        Path file = dir.resolve("interrupt.wal");
        try (Wal wal = provider.create(file, WalOptions.defaults())) {
            Thread.currentThread().interrupt();
            try {
                long end = wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"), 1);
                wal.syncTo(end);
                assertTrue(Thread.currentThread().isInterrupted(), "interrupt status lost");
            } finally {
                Thread.interrupted();
            }
            wal.append(Bytes.ofUtf8("k2"), Bytes.ofUtf8("v2"), 2);
        }
        assertEquals(2, Logs.recover(provider, file, RecoveryMode.STRICT, false).ok().size());
    }

    @Test
    void recover_appendsContinueAfterTheLastRecord() throws IOException {
        Path file = dir.resolve("continue.wal");
        List<Logs.Rec> records = Logs.sampleRecords();
        Logs.write(provider, file, records.subList(0, 2));
        try (Wal wal = provider.recover(file, WalOptions.defaults(), (s, b) -> { })) {
            Logs.append(wal, records.subList(2, records.size()));
        }
        assertEquals(Logs.expected(records),
                Logs.recover(provider, file, RecoveryMode.STRICT, false).ok());
    }

    @Test
    void recover_failureCause_isAnIOExceptionSubtype() throws IOException {
        Path file = Logs.copy(dir, "garbage.wal", new byte[] {'n', 'o', 'p', 'e'});
        IOException e = assertThrows(IOException.class,
                () -> provider.recover(file, WalOptions.defaults(), (s, b) -> { }));
        assertInstanceOf(dev.memtable.WalCorruptionException.class, e);
    }
}
