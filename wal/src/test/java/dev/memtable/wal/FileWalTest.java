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
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
        assertEquals("crc32c-v1", new FileWalProvider().name());
    }

    @Test
    void append_largestKeyAndValue_roundTrip() throws IOException {
        byte[] key = new byte[MemTable.MAX_KEY_LENGTH];
        byte[] value = new byte[MemTable.MAX_VALUE_LENGTH];
        Arrays.fill(key, (byte) 0xAB);
        for (int i = 0; i < value.length; i += 4093) {
            value[i] = (byte) i;
        }
        WriteBatch big = new WriteBatch().put(Bytes.wrap(key), Bytes.wrap(value));
        WriteBatch small = new WriteBatch().put(Bytes.ofUtf8("after"), Bytes.ofUtf8("big"));
        Path file = dir.resolve("big.wal");
        Logs.write(provider, file, List.of(big, small));
        assertEquals(Logs.entries(List.of(big, small)),
                Logs.recover(provider, file, RecoveryMode.STRICT, false).ok());
    }

    @Test
    void append_largeRecordTorn_isDroppedAsATail() throws IOException {
        WriteBatch first = new WriteBatch().put(Bytes.ofUtf8("a"), Bytes.ofUtf8("b"));
        WriteBatch big = new WriteBatch().put(Bytes.ofUtf8("big"), Bytes.wrap(new byte[1 << 20]));
        Path file = dir.resolve("torn.wal");
        List<Long> ends = Logs.write(provider, file, List.of(first, big));
        byte[] bytes = Files.readAllBytes(file);
        Logs.copy(dir, "torn.wal", Arrays.copyOf(bytes, (int) (ends.get(1) + 300_000)));
        Logs.Recovered r = Logs.recover(provider, file, RecoveryMode.TOLERATE_TORN_TAIL, false);
        assertEquals(Logs.entries(List.of(first)), r.ok());
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
                    () -> wal.append(longKey, Bytes.ofUtf8("v")));
            assertTrue(e.getMessage().contains("65535"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> wal.append(Bytes.ofUtf8("k"), longValue));
            assertThrows(IllegalArgumentException.class, () -> wal.append(new WriteBatch()));
            assertThrows(NullPointerException.class, () -> wal.append(null, Bytes.EMPTY));
            assertThrows(NullPointerException.class, () -> wal.append(Bytes.EMPTY, null));
            assertThrows(NullPointerException.class, () -> wal.append((WriteBatch) null));
            assertEquals(before, wal.position());
            assertEquals(before, Files.size(file));
            // The log still works.
            wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"));
        }
        assertEquals(1, Logs.recover(provider, file, RecoveryMode.STRICT, false).ok().size());
    }

    @Test
    void append_returnsTheEndOfEachRecord() throws IOException {
        try (Wal wal = provider.create(dir.resolve("pos.wal"), WalOptions.defaults())) {
            assertEquals(LogFormat.FILE_HEADER_SIZE, wal.position());
            long end = wal.append(Bytes.ofUtf8("key"), Bytes.ofUtf8("value"));
            // header 13 + count 4 + kind 1 + key length 2 + value length 4 + 3 + 5
            assertEquals(LogFormat.FILE_HEADER_SIZE + 13 + 4 + 7 + 3 + 5, end);
            assertEquals(end, wal.position());
            long deleteEnd = wal.append(Bytes.ofUtf8("key"), Bytes.EMPTY);
            assertEquals(end + 13 + 4 + 3 + 3, deleteEnd);
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
                provider.recover(dir.resolve("missing.wal"), WalOptions.defaults(), b -> { }));
        assertFalse(Files.exists(dir.resolve("missing.wal")));
    }

    @Test
    void createAndRecover_nullArguments_throwNullPointer() {
        Path file = dir.resolve("x.wal");
        assertThrows(NullPointerException.class, () -> provider.create(null, WalOptions.defaults()));
        assertThrows(NullPointerException.class, () -> provider.create(file, null));
        assertThrows(NullPointerException.class,
                () -> provider.recover(null, WalOptions.defaults(), b -> { }));
        assertThrows(NullPointerException.class, () -> provider.recover(file, null, b -> { }));
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
        try (Wal wal = provider.recover(file, WalOptions.defaults(), b -> { })) {
            assertEquals(forces + 1, fs.fileForces.get());
            assertEquals(dirs + 1, fs.directoryForces.get());
            assertEquals(wal.position(), fs.channel(file).durable());
        }
    }

    @Test
    void recover_logAlreadyOpen_isRefused() throws IOException {
        Path file = dir.resolve("open.wal");
        try (Wal wal = provider.create(file, WalOptions.defaults())) {
            wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"));
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> provider.recover(file, WalOptions.defaults(), b -> { }));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            // The refused recovery must not have disturbed the open log.
            wal.append(Bytes.ofUtf8("k2"), Bytes.ofUtf8("v2"));
        }
        assertEquals(2, Logs.recover(provider, file, RecoveryMode.STRICT, false).ok().size());
    }

    @Test
    void close_syncsEverythingAndIsIdempotent() throws IOException {
        Path file = dir.resolve("close.wal");
        Wal wal = provider.create(file, WalOptions.defaults());
        long end = wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"));
        wal.close();
        assertEquals(end, fs.channel(file).durable(), "close did not sync");
        wal.close();
        assertThrows(IOException.class, () -> wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v")));
        assertThrows(IOException.class, wal::sync);
        assertThrows(IOException.class, () -> wal.syncTo(end));
        assertEquals(end, Files.size(file));
    }

    @Test
    void syncTo_positionOutOfRange_isRefused() throws IOException {
        try (Wal wal = provider.create(dir.resolve("range.wal"), WalOptions.defaults())) {
            long end = wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"));
            assertThrows(IllegalArgumentException.class, () -> wal.syncTo(end + 1));
            assertThrows(IllegalArgumentException.class, () -> wal.syncTo(-1));
            wal.syncTo(end);
        }
    }

    @Test
    void syncTo_alreadyDurable_doesNotFsyncAgain() throws IOException {
        Path file = dir.resolve("again.wal");
        try (Wal wal = provider.create(file, WalOptions.defaults())) {
            long end = wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"));
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
                long end = wal.append(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"));
                wal.syncTo(end);
                assertTrue(Thread.currentThread().isInterrupted(), "interrupt status lost");
            } finally {
                Thread.interrupted();
            }
            wal.append(Bytes.ofUtf8("k2"), Bytes.ofUtf8("v2"));
        }
        assertEquals(2, Logs.recover(provider, file, RecoveryMode.STRICT, false).ok().size());
    }

    @Test
    void recover_appendsContinueAfterTheLastRecord() throws IOException {
        Path file = dir.resolve("continue.wal");
        List<WriteBatch> records = Logs.sampleRecords();
        Logs.write(provider, file, records.subList(0, 2));
        try (Wal wal = provider.recover(file, WalOptions.defaults(), b -> { })) {
            Logs.append(wal, records.subList(2, records.size()));
        }
        assertEquals(Logs.entries(records),
                Logs.recover(provider, file, RecoveryMode.STRICT, false).ok());
    }

    @Test
    void recover_failureCause_isAnIOExceptionSubtype() throws IOException {
        Path file = Logs.copy(dir, "garbage.wal", new byte[] {'n', 'o', 'p', 'e'});
        IOException e = assertThrows(IOException.class,
                () -> provider.recover(file, WalOptions.defaults(), b -> { }));
        assertInstanceOf(dev.memtable.WalCorruptionException.class, e);
    }
}
