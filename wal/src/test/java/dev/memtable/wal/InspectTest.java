package dev.memtable.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruption;
import dev.memtable.WalCorruptionException;
import dev.memtable.WriteBatch;
import dev.memtable.spi.WalInspector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inspect}: the read-only walk behind {@code memtable wal dump} and {@code verify}. */
class InspectTest {

    @TempDir
    Path dir;

    private final FileWalProvider provider = new FileWalProvider(FaultyFs.fast(), new RecordingLogger());
    private List<Logs.Rec> records;
    private List<Long> ends;
    private byte[] log;

    /** Collects what inspect reports. */
    private static final class Seen implements WalInspector {
        final List<long[]> positions = new ArrayList<>();
        /** Each record's sequence and entries. */
        final List<Logs.Replayed> entries = new ArrayList<>();
        final List<WalCorruption> damage = new ArrayList<>();

        @Override
        public void record(long offset, long length, long sequence, WriteBatch batch) {
            positions.add(new long[] {offset, length});
            entries.add(new Logs.Replayed(sequence, batch.entries()));
        }

        @Override
        public void damage(WalCorruption corruption) {
            damage.add(corruption);
        }
    }

    @BeforeEach
    void writeSample() throws IOException {
        records = Logs.sampleRecords();
        ends = Logs.write(provider, dir.resolve("sample.wal"), records);
        log = Files.readAllBytes(dir.resolve("sample.wal"));
    }

    @Test
    void inspect_cleanLog_reportsEveryRecordWithItsOffsetLengthAndSequence() throws IOException {
        Seen seen = new Seen();
        long end = provider.inspect(dir.resolve("sample.wal"), RecoveryMode.STRICT, seen);
        assertEquals(log.length, end);
        assertEquals(Logs.expected(records), seen.entries);
        // ends holds the end of the file header, then the end of each record.
        assertEquals(LogFormat.FILE_HEADER_SIZE, ends.get(0));
        for (int i = 0; i < records.size(); i++) {
            assertEquals(ends.get(i), seen.positions.get(i)[0], "offset of record " + i);
            assertEquals(ends.get(i + 1) - ends.get(i), seen.positions.get(i)[1], "length " + i);
        }
        assertTrue(seen.damage.isEmpty());
    }

    @Test
    void inspect_tornTail_isReportedAndTheFileIsLeftAsItWas() throws IOException {
        byte[] damaged = Arrays.copyOf(log, log.length + 100);
        Path file = Logs.copy(dir, "torn.wal", damaged);
        Seen seen = new Seen();
        long end = provider.inspect(file, RecoveryMode.TOLERATE_TORN_TAIL, seen);
        assertEquals(log.length, end);
        assertEquals(1, seen.damage.size(), seen.damage.toString());
        assertEquals(log.length, seen.damage.get(0).offset());
        assertArrayEquals(damaged, Files.readAllBytes(file), "inspect must not truncate");
        WalCorruptionException strict = assertThrows(WalCorruptionException.class,
                () -> provider.inspect(file, RecoveryMode.STRICT, new Seen()));
        assertEquals(log.length, strict.offset());
    }

    @Test
    void inspect_holeInTheMiddle_failsInDefaultModeAndIsSkippedInSalvage() throws IOException {
        byte[] damaged = log.clone();
        long start = ends.get(1);
        for (long i = start; i < ends.get(2); i++) {
            damaged[(int) i] = 0;
        }
        Path file = Logs.copy(dir, "hole.wal", damaged);
        Seen before = new Seen();
        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> provider.inspect(file, RecoveryMode.TOLERATE_TORN_TAIL, before));
        assertEquals(start, e.offset());
        assertEquals(Logs.expected(records.subList(0, 1)), before.entries,
                "the record before the hole was reported");
        Seen salvage = new Seen();
        provider.inspect(file, RecoveryMode.SALVAGE, salvage);
        List<Logs.Replayed> expected = new ArrayList<>(Logs.expected(records));
        expected.remove(1);
        assertEquals(expected, salvage.entries);
        assertEquals(start, salvage.damage.get(0).offset());
        assertArrayEquals(damaged, Files.readAllBytes(file));
    }

    @Test
    void inspect_logOpenForAppending_isReadable() throws IOException {
        Path file = dir.resolve("open.wal");
        try (var wal = provider.create(file, dev.memtable.WalOptions.defaults())) {
            wal.append(records.get(1).batch(), records.get(1).sequence());
            Seen seen = new Seen();
            provider.inspect(file, RecoveryMode.STRICT, seen);
            assertEquals(Logs.expected(records.subList(1, 2)), seen.entries);
        }
    }

    @Test
    void inspect_missingFileAndNulls_fail() {
        assertThrows(NoSuchFileException.class,
                () -> provider.inspect(dir.resolve("none.wal"), RecoveryMode.STRICT, new Seen()));
        assertThrows(NullPointerException.class,
                () -> provider.inspect(null, RecoveryMode.STRICT, new Seen()));
        assertThrows(NullPointerException.class,
                () -> provider.inspect(dir.resolve("sample.wal"), null, new Seen()));
        assertThrows(NullPointerException.class,
                () -> provider.inspect(dir.resolve("sample.wal"), RecoveryMode.STRICT, null));
    }
}
