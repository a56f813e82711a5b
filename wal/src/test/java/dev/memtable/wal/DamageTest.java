package dev.memtable.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruption;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Named kinds of damage (tails, holes, garbage, forged fields) in each recovery mode. */
class DamageTest {

    @TempDir
    Path dir;

    private final RecordingLogger logger = new RecordingLogger();
    private final FileWalProvider provider = new FileWalProvider(FaultyFs.fast(), logger);
    private List<Logs.Rec> records;
    private List<Logs.Replayed> all;
    private List<Long> ends;
    private byte[] log;

    @BeforeEach
    void writeSample() throws IOException {
        records = Logs.sampleRecords();
        all = Logs.expected(records);
        ends = Logs.write(provider, dir.resolve("sample.wal"), records);
        log = Files.readAllBytes(dir.resolve("sample.wal"));
    }

    // ------------------------------------------------------------------ tails

    @Test
    void recover_zeroFilledTail_isATornTail() throws IOException {
        checkTornTail(concat(log, new byte[4096]), "zero");
    }

    @Test
    void recover_shortZeroFilledTail_isATornTail() throws IOException {
        checkTornTail(concat(log, new byte[5]), "zero");
    }

    @Test
    void recover_randomGarbageTail_isATornTail() throws IOException {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            byte[] garbage = new byte[1 + random.nextInt(round < 10 ? 20 : 5000)];
            random.nextBytes(garbage);
            checkTornTail(concat(log, garbage), "");
        }
    }

    /** TOLERATE and SALVAGE drop the tail (one report) and cut it off; STRICT refuses it. */
    private void checkTornTail(byte[] damaged, String reasonPart) throws IOException {
        long end = log.length;
        for (RecoveryMode mode : List.of(RecoveryMode.TOLERATE_TORN_TAIL, RecoveryMode.SALVAGE)) {
            Path file = Logs.copy(dir, "tail.wal", damaged);
            Logs.Recovered r = Logs.recover(provider, file, mode, false);
            assertEquals(all, r.ok(), mode.toString());
            assertEquals(1, r.reports().size(), mode + ": " + r.reports());
            WalCorruption c = r.reports().get(0);
            assertEquals(new WalCorruption(file, end, damaged.length - end, c.reason()), c);
            assertTrue(c.reason().contains(reasonPart), c.reason());
            assertArrayEquals(log, Files.readAllBytes(file), mode + ": tail not cut off");
        }
        Path file = Logs.copy(dir, "tail.wal", damaged);
        Logs.Recovered strict = Logs.recover(provider, file, RecoveryMode.STRICT, false);
        assertNotNull(strict.error(), "STRICT accepted a torn tail");
        assertEquals(end, strict.error().offset());
        assertEquals(file, strict.error().file());
        assertEquals(all, strict.records());
        assertArrayEquals(damaged, Files.readAllBytes(file), "STRICT changed the file");
    }

    // ------------------------------------------------------------------ holes

    @Test
    void recover_zeroedRegionFollowedByIntactRecords_isCorruption() throws IOException {
        // Zero from the middle of record 1 to the middle of record 3: records 3 and 4 follow.
        int from = (int) (ends.get(1) + ends.get(2)) / 2;
        int to = (int) (ends.get(3) + ends.get(4)) / 2;
        byte[] damaged = log.clone();
        Arrays.fill(damaged, from, to, (byte) 0);
        checkHole(damaged, 1, 4);
    }

    @Test
    void recover_wholeRecordsZeroedBeforeTheLast_isCorruption() throws IOException {
        byte[] damaged = log.clone();
        Arrays.fill(damaged, ends.get(1).intValue(), ends.get(4).intValue(), (byte) 0);
        checkHole(damaged, 1, 4);
    }

    @Test
    void recover_garbageRegionFollowedByIntactRecords_isCorruption() throws IOException {
        byte[] damaged = log.clone();
        byte[] garbage = new byte[ends.get(3).intValue() - ends.get(2).intValue()];
        new Random(7).nextBytes(garbage);
        System.arraycopy(garbage, 0, damaged, ends.get(2).intValue(), garbage.length);
        checkHole(damaged, 2, 3);
    }

    /**
     * Records {@code [first, resume)} are damaged, later ones intact: TOLERATE and STRICT refuse
     * the log at the first damaged record without replaying anything after it; SALVAGE keeps
     * everything else and reports the hole.
     */
    private void checkHole(byte[] damaged, int first, int resume) throws IOException {
        long holeStart = ends.get(first);
        for (RecoveryMode mode : List.of(RecoveryMode.TOLERATE_TORN_TAIL, RecoveryMode.STRICT)) {
            Path file = Logs.copy(dir, "hole.wal", damaged);
            Logs.Recovered r = Logs.recover(provider, file, mode, false);
            assertNotNull(r.error(), mode + ": a hole before intact records was accepted");
            assertEquals(holeStart, r.error().offset(), mode.toString());
            assertEquals(file, r.error().file());
            assertEquals(all.subList(0, first), r.records(), mode + ": replayed past the hole");
            assertEquals(List.of(), r.reports());
            assertArrayEquals(damaged, Files.readAllBytes(file), mode + ": file changed");
            if (mode == RecoveryMode.TOLERATE_TORN_TAIL) {
                assertTrue(r.error().reason().contains("offset " + ends.get(resume)),
                        r.error().reason());
            }
        }
        Path file = Logs.copy(dir, "hole.wal", damaged);
        Logs.Recovered salvage = Logs.recover(provider, file, RecoveryMode.SALVAGE, false);
        List<Logs.Replayed> expected = new ArrayList<>(all.subList(0, first));
        expected.addAll(all.subList(resume, all.size()));
        assertEquals(expected, salvage.ok());
        assertEquals(List.of(new WalCorruption(file, holeStart, ends.get(resume) - holeStart,
                salvage.reports().get(0).reason())), salvage.reports());
    }

    // ------------------------------------------------------------------ whole files

    @Test
    void recover_wholeFileOfGarbage_isRefusedInEveryModeAndLeftAlone() throws IOException {
        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        garbage[0] = 'x';
        checkRefusedEverywhere(garbage, 0);
    }

    @Test
    void recover_shortFileThatIsNotALog_isRefusedInEveryModeAndLeftAlone() throws IOException {
        checkRefusedEverywhere("hello".getBytes(StandardCharsets.US_ASCII), 0);
    }

    @Test
    void recover_unsupportedVersion_isRefusedInEveryMode() throws IOException {
        byte[] future = log.clone();
        LogFormat.putInt(future, 4, 3);
        CRC32C crc = new CRC32C();
        crc.update(future, 0, 16);
        LogFormat.putInt(future, 16, LogFormat.mask((int) crc.getValue()));
        WalCorruption c = checkRefusedEverywhere(future, 0);
        assertTrue(c.reason().contains("unsupported log format version 3 (this build reads"
                + " version 2)"), c.reason());
    }

    private WalCorruption checkRefusedEverywhere(byte[] bytes, long offset) throws IOException {
        WalCorruption last = null;
        for (RecoveryMode mode : RecoveryMode.values()) {
            Path file = Logs.copy(dir, "refused.wal", bytes);
            Logs.Recovered r = Logs.recover(provider, file, mode, false);
            assertNotNull(r.error(), mode + " accepted it");
            assertEquals(offset, r.error().offset(), mode.toString());
            assertEquals(List.of(), r.records());
            assertArrayEquals(bytes, Files.readAllBytes(file), mode + " changed the file");
            last = r.error().corruption();
        }
        return last;
    }

    @Test
    void recover_emptyFile_isACrashDuringCreation() throws IOException {
        for (RecoveryMode mode : List.of(RecoveryMode.TOLERATE_TORN_TAIL, RecoveryMode.SALVAGE)) {
            Path file = Logs.copy(dir, "empty.wal", new byte[0]);
            Logs.Recovered r = Logs.recover(provider, file, mode, true);
            assertEquals(List.of(), r.ok());
            assertEquals(1, r.reports().size(), r.reports().toString());
            assertEquals(0, r.reports().get(0).offset());
            assertEquals(0, r.reports().get(0).length());
            Logs.Rec one = new Logs.Rec(7,
                    new WriteBatch().put(Bytes.ofUtf8("k"), Bytes.ofUtf8("v")));
            try (Wal wal = r.wal()) {
                Logs.append(wal, List.of(one));
            }
            assertEquals(Logs.expected(List.of(one)),
                    Logs.recover(provider, file, RecoveryMode.STRICT, false).ok());
        }
        Path file = Logs.copy(dir, "empty.wal", new byte[0]);
        Logs.Recovered strict = Logs.recover(provider, file, RecoveryMode.STRICT, false);
        assertNotNull(strict.error());
        assertEquals(0, strict.error().offset());
        assertEquals(0, Files.size(file));
    }

    @Test
    void recover_headerOnly_isAnEmptyLogWithoutReports() throws IOException {
        for (RecoveryMode mode : RecoveryMode.values()) {
            Path file = Logs.copy(dir, "header.wal", Arrays.copyOf(log, LogFormat.FILE_HEADER_SIZE));
            Logs.Recovered r = Logs.recover(provider, file, mode, false);
            assertEquals(List.of(), r.ok());
            assertEquals(List.of(), r.reports());
        }
    }

    // ------------------------------------------------------------------ forged records

    @Test
    void recover_forgedHugeLength_isRejectedWithoutReadingIt() throws IOException {
        byte[] damaged = log.clone();
        int last = ends.get(ends.size() - 2).intValue();
        LogFormat.putInt(damaged, last + 8, 0xFFFF_FFF0);
        Logs.reseal(damaged, last, Logs.salt(log));
        Logs.Recovered r = recoverCopy(damaged, RecoveryMode.TOLERATE_TORN_TAIL);
        assertEquals(all.subList(0, all.size() - 1), r.ok());
        assertTrue(r.reports().get(0).reason().contains("over the limit"), r.reports().toString());
    }

    @Test
    void recover_forgedLengthBeyondEndOfFile_isATruncatedRecord() throws IOException {
        byte[] damaged = log.clone();
        int last = ends.get(ends.size() - 2).intValue();
        LogFormat.putInt(damaged, last + 8, 400 << 20);
        Logs.reseal(damaged, last, Logs.salt(log));
        Logs.Recovered r = recoverCopy(damaged, RecoveryMode.TOLERATE_TORN_TAIL);
        assertEquals(all.subList(0, all.size() - 1), r.ok());
        assertTrue(r.reports().get(0).reason().contains("truncated record"),
                r.reports().toString());
    }

    @Test
    void recover_forgedLengthInTheMiddle_isCorruptionNotATail() throws IOException {
        byte[] damaged = log.clone();
        int second = ends.get(1).intValue();
        LogFormat.putInt(damaged, second + 8, 400 << 20);
        Logs.reseal(damaged, second, Logs.salt(log));
        Logs.Recovered r = recoverCopy(damaged, RecoveryMode.TOLERATE_TORN_TAIL);
        assertNotNull(r.error(), "a bad length followed by intact records was taken for a tail");
        assertEquals(second, r.error().offset());
        assertEquals(all.subList(0, 1), r.records());
    }

    @Test
    void recover_checksummedButMalformedPayloads_areRejected() throws IOException {
        // record 0's payload: sequence u64 at +0, count u32 at +8, then its one entry: kind at
        // +12, key length at +13, value length at +15
        int at = ends.get(0).intValue() + LogFormat.RECORD_HEADER_SIZE;
        List<byte[]> forged = new ArrayList<>();
        forged.add(edit(at, b -> LogFormat.putLong(b, at, 0)));           // sequence 0
        forged.add(edit(at, b -> LogFormat.putLong(b, at, MemTable.MAX_SEQUENCE + 1)));
        forged.add(edit(at, b -> LogFormat.putLong(b, at, -1)));          // sequence 2^64-1
        forged.add(edit(at, b -> LogFormat.putInt(b, at + 8, 0)));        // no entries
        forged.add(edit(at, b -> LogFormat.putInt(b, at + 8, 2)));        // one entry missing
        forged.add(edit(at, b -> b[at + 12] = 9));                        // unknown kind
        forged.add(edit(at, b -> LogFormat.putInt(b, at + 15, 0)));       // put of empty value
        forged.add(edit(at, b -> LogFormat.putShort(b, at + 13, 60_000))); // key past the end
        for (byte[] damaged : forged) {
            Logs.Recovered r = recoverCopy(damaged, RecoveryMode.SALVAGE);
            assertEquals(all.subList(1, all.size()), r.ok());
            assertTrue(r.reports().get(0).reason().startsWith("malformed record"),
                    r.reports().toString());
            assertEquals(ends.get(0), r.reports().get(0).offset());
        }
    }

    @Test
    void recover_checksummedRecordWithSequenceOutOfRange_isMalformedInEveryMode()
            throws IOException {
        // Record 1 (in the middle: intact records follow) and record 4 (the last) forged with a
        // sequence outside 1 .. MAX_SEQUENCE and both checksums recomputed.
        int middle = ends.get(1).intValue() + LogFormat.RECORD_HEADER_SIZE;
        int last = ends.get(4).intValue() + LogFormat.RECORD_HEADER_SIZE;
        for (long bad : new long[] {0, MemTable.MAX_SEQUENCE + 1, Long.MIN_VALUE}) {
            String reason = "malformed record: sequence " + Long.toUnsignedString(bad)
                    + " is out of range";
            byte[] damaged = edit(middle, b -> LogFormat.putLong(b, middle, bad));
            for (RecoveryMode mode : List.of(RecoveryMode.STRICT, RecoveryMode.TOLERATE_TORN_TAIL)) {
                Logs.Recovered r = recoverCopy(damaged, mode);
                assertNotNull(r.error(), mode + " accepted sequence " + bad);
                assertEquals(ends.get(1), r.error().offset(), mode.toString());
                assertTrue(r.error().reason().startsWith(reason), r.error().reason());
                assertEquals(all.subList(0, 1), r.records(), mode + ": replayed past it");
            }
            Logs.Recovered salvage = recoverCopy(damaged, RecoveryMode.SALVAGE);
            List<Logs.Replayed> expected = new ArrayList<>(all);
            expected.remove(1);
            assertEquals(expected, salvage.ok());
            assertEquals(1, salvage.reports().size(), salvage.reports().toString());
            assertEquals(ends.get(1), salvage.reports().get(0).offset());
            assertEquals(ends.get(2) - ends.get(1), salvage.reports().get(0).length());
            assertTrue(salvage.reports().get(0).reason().startsWith(reason),
                    salvage.reports().get(0).reason());

            // As the last record it is a bad tail, as any malformed record: STRICT refuses it,
            // the other modes drop it; it is never replayed.
            byte[] tail = edit(last, b -> LogFormat.putLong(b, last, bad));
            Logs.Recovered strict = recoverCopy(tail, RecoveryMode.STRICT);
            assertNotNull(strict.error());
            assertTrue(strict.error().reason().startsWith(reason), strict.error().reason());
            Logs.Recovered tolerate = recoverCopy(tail, RecoveryMode.TOLERATE_TORN_TAIL);
            assertEquals(all.subList(0, 4), tolerate.ok());
            assertTrue(tolerate.reports().get(0).reason().contains(reason),
                    tolerate.reports().toString());
        }
    }

    private byte[] edit(int payloadAt, Consumer<byte[]> change) {
        byte[] b = log.clone();
        change.accept(b);
        Logs.reseal(b, payloadAt - LogFormat.RECORD_HEADER_SIZE, Logs.salt(log));
        return b;
    }

    @Test
    void recover_craftedValidHeadersEverywhere_givesUpInsteadOfScanningForever()
            throws IOException {
        // Every 13 bytes a header with a valid header checksum announcing a payload up to the
        // end of the file whose record checksum is wrong: a naive search would check ~1 MiB for
        // each of 80,000 candidates.
        int size = 1 << 20;
        byte[] crafted = Arrays.copyOf(Arrays.copyOf(log, LogFormat.FILE_HEADER_SIZE), size);
        long salt = Logs.salt(log);
        for (int at = LogFormat.FILE_HEADER_SIZE; at + 13 <= size; at += 13) {
            LogFormat.putInt(crafted, at + 4, 0x1234_5678);
            LogFormat.putInt(crafted, at + 8, size - at - 13);
            crafted[at + 12] = LogFormat.TYPE_BATCH;
            LogFormat.putInt(crafted, at,
                    new LogFormat.SaltedCrc(salt).update(crafted, at + 4, 9).masked());
        }
        for (RecoveryMode mode : List.of(RecoveryMode.TOLERATE_TORN_TAIL, RecoveryMode.SALVAGE)) {
            Logs.Recovered r = recoverCopy(crafted, mode);
            assertNotNull(r.error(), mode.toString());
            assertTrue(r.error().reason().contains("gave up"), r.error().reason());
            assertEquals(LogFormat.FILE_HEADER_SIZE, r.error().offset());
        }
    }

    @Test
    void recover_salvageWithDamagedMagic_keepsEveryRecord() throws IOException {
        byte[] damaged = log.clone();
        damaged[0] ^= 0x20;
        Logs.Recovered r = recoverCopy(damaged, RecoveryMode.SALVAGE);
        assertEquals(all, r.ok());
        assertEquals(0, r.reports().get(0).offset());
        assertEquals(LogFormat.FILE_HEADER_SIZE, r.reports().get(0).length());
    }

    // ------------------------------------------------------------------ side effects

    @Test
    void recover_replayThrows_propagatesAndLeavesTheFileAlone() throws IOException {
        byte[] damaged = concat(log, new byte[100]);
        Path file = Logs.copy(dir, "replay.wal", damaged);
        RuntimeException boom = new IllegalStateException("replay failed");
        int[] seen = {0};
        RuntimeException thrown = assertThrows(IllegalStateException.class, () ->
                provider.recover(file, WalOptions.defaults(), (s, b) -> {
                    if (++seen[0] == 2) {
                        throw boom;
                    }
                }));
        assertEquals(boom, thrown);
        assertArrayEquals(damaged, Files.readAllBytes(file), "file changed");
        assertEquals(all, Logs.recover(provider, file, RecoveryMode.SALVAGE, false).ok(),
                "the failed recovery kept the file locked or damaged it");
    }

    @Test
    void recover_everyReportIsLoggedAndEveryRefusalIsNot() throws IOException {
        byte[] damaged = log.clone();
        Arrays.fill(damaged, ends.get(1).intValue(), ends.get(2).intValue(), (byte) 0);
        damaged = concat(damaged, new byte[50]);
        Logs.Recovered salvage = recoverCopy(damaged, RecoveryMode.SALVAGE);
        assertEquals(2, salvage.reports().size());
        assertEquals(2, logger.entries.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(System.Logger.Level.WARNING, logger.entries.get(i).level());
            assertTrue(logger.entries.get(i).message().contains(salvage.reports().get(i).toString()),
                    logger.entries.get(i).message());
        }
        logger.entries.clear();
        Logs.Recovered strict = recoverCopy(damaged, RecoveryMode.STRICT);
        assertNotNull(strict.error());
        assertEquals(List.of(), logger.entries);
    }

    @Test
    void recover_listenerThrows_abortsAndLeavesTheFileAlone() throws IOException {
        byte[] damaged = concat(log, new byte[10]);
        Path file = Logs.copy(dir, "listener.wal", damaged);
        WalOptions options = WalOptions.defaults().withCorruptionListener(c -> {
            throw new IllegalStateException("listener refuses");
        });
        assertThrows(IllegalStateException.class,
                () -> provider.recover(file, options, (s, b) -> { }));
        assertArrayEquals(damaged, Files.readAllBytes(file));
    }

    private Logs.Recovered recoverCopy(byte[] bytes, RecoveryMode mode) throws IOException {
        return Logs.recover(provider, Logs.copy(dir, "copy.wal", bytes), mode, false);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
