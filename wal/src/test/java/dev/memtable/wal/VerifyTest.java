package dev.memtable.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruption;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import dev.memtable.spi.WalInspector;
import dev.memtable.spi.WalProvider;
import dev.memtable.spi.WalReplay;
import dev.memtable.spi.WalVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify}: the checking-only walk behind {@code memtable wal verify}. Its agreement with
 * {@code inspect} and recovery on every damaged log the other tests build is checked in
 * {@link Logs#recover}; here are its parts: the one-pass salted checksum, the grammar check
 * against the decoder, records larger than the read buffer, and the default of the SPI.
 */
class VerifyTest {

    @TempDir
    Path dir;

    private final FileWalProvider provider =
            new FileWalProvider(FaultyFs.fast(), new RecordingLogger());

    @Test
    void onePassSaltedChecksum_equalsTheSaltFedChecksum() {
        Random random = new Random(1);
        byte[] data = new byte[LogFormat.SaltedCrc.SHIFT_TABLE_LENGTH + 100];
        for (int round = 0; round < 50; round++) {
            long salt = round == 0 ? 0 : random.nextLong();
            LogFormat.SaltedCrc crc = new LogFormat.SaltedCrc(salt);
            random.nextBytes(data);
            for (int len = 0; len < data.length; len += 1 + random.nextInt(round == 0 ? 2 : 97)) {
                int off = random.nextInt(data.length - len + 1);
                int expected = new LogFormat.SaltedCrc(salt).update(data, off, len).masked();
                assertEquals(expected, crc.masked(data, off, len), "salt " + salt + " len " + len);
            }
            // The stateful use after a one-pass call still starts from the salt once reset.
            assertEquals(new LogFormat.SaltedCrc(salt).update(data, 3, 40).masked(),
                    crc.reset().update(data, 3, 40).masked());
        }
    }

    @Test
    void grammarCheck_agreesWithTheDecoderOnMutatedPayloads() throws Exception {
        Random random = new Random(2);
        List<byte[]> payloads = new ArrayList<>();
        for (Logs.Rec r : Logs.sampleRecords()) {
            byte[] rec = RecordCodec.encode(r.batch(), r.sequence(), 7);
            payloads.add(Arrays.copyOfRange(rec, LogFormat.RECORD_HEADER_SIZE, rec.length));
        }
        int malformed = 0;
        for (int round = 0; round < 200_000; round++) {
            byte[] p = payloads.get(random.nextInt(payloads.size())).clone();
            int edits = random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(p.length);
                // Small values reach the interesting branches (kinds, short lengths).
                p[at] = (byte) (random.nextBoolean() ? random.nextInt(4) : random.nextInt());
            }
            int cut = random.nextInt(8) == 0 ? random.nextInt(p.length + 1) : p.length;
            int start = random.nextInt(3);
            byte[] b = new byte[start + cut + random.nextInt(3)];
            System.arraycopy(p, 0, b, start, cut);
            String decodeError = null;
            int decoded = -1;
            try {
                decoded = RecordCodec.decode(b, start, cut).batch().size();
            } catch (RecordCodec.MalformedRecordException e) {
                decodeError = e.getMessage();
            }
            String checkError = null;
            int checked = -1;
            try {
                checked = RecordCodec.check(b, start, cut);
            } catch (RecordCodec.MalformedRecordException e) {
                checkError = e.getMessage();
            }
            assertEquals(decodeError, checkError, "payload " + Arrays.toString(p));
            assertEquals(decoded, checked);
            if (decodeError != null) {
                malformed++;
            }
        }
        assertTrue(malformed > 50_000, "too few malformed cases: " + malformed);
    }

    @Test
    void verify_cleanLogWithRecordsLargerThanTheReadBuffer_matchesInspect() throws IOException {
        Path file = dir.resolve("large.wal");
        List<Logs.Rec> records = new ArrayList<>(Logs.sampleRecords());
        byte[] big = new byte[3 * FileWindow.CAPACITY + 5];
        new Random(3).nextBytes(big);
        records.add(1, new Logs.Rec(9, new WriteBatch().put(Bytes.ofUtf8("big"), Bytes.wrap(big))));
        records.add(new Logs.Rec(10, new WriteBatch().put(Bytes.ofUtf8("a"), Bytes.wrap(big))
                .delete(Bytes.ofUtf8("b"))));
        List<Long> ends = Logs.write(provider, file, records);
        for (RecoveryMode mode : RecoveryMode.values()) {
            Logs.Walk inspected = Logs.Walk.of(file, mode, true);
            Logs.Walk verified = Logs.Walk.of(file, mode, false);
            assertEquals(inspected, verified);
            assertNull(verified.error());
            assertEquals(Files.size(file), verified.end());
            assertEquals(records.size(), verified.records().size());
            for (int i = 0; i < records.size(); i++) {
                assertEquals(List.of(ends.get(i), ends.get(i + 1) - ends.get(i),
                        records.get(i).sequence(), (long) records.get(i).batch().size()),
                        verified.records().get(i));
            }
        }
        // The same log with the big record's payload damaged: found by both at its offset.
        byte[] damaged = Files.readAllBytes(file);
        damaged[ends.get(1).intValue() + 1000] ^= 1;
        Path bad = Logs.copy(dir, "bad.wal", damaged);
        for (RecoveryMode mode : RecoveryMode.values()) {
            Logs.Recovered r = Logs.recover(provider, bad, mode, false);   // agreement checked
            Logs.copy(dir, "bad.wal", damaged);
            assertTrue(r.error() != null || !r.reports().isEmpty(), mode.toString());
        }
    }

    @Test
    void defaultVerifyOfTheSpi_countsEntriesThroughInspect() throws IOException {
        Path file = dir.resolve("sample.wal");
        Logs.write(provider, file, Logs.sampleRecords());
        Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        WalProvider inspectOnly = new WalProvider() {
            @Override
            public String name() {
                return "inspect-only";
            }

            @Override
            public Wal create(Path f, WalOptions options) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Wal recover(Path f, WalOptions options, WalReplay replay) {
                throw new UnsupportedOperationException();
            }

            @Override
            public long inspect(Path f, RecoveryMode mode, WalInspector inspector)
                    throws IOException {
                return provider.inspect(f, mode, inspector);
            }
        };
        List<List<Long>> viaDefault = new ArrayList<>();
        List<WalCorruption> damage = new ArrayList<>();
        long end = inspectOnly.verify(file, RecoveryMode.SALVAGE, new WalVerifier() {
            @Override
            public void record(long offset, long length, long sequence, int entries) {
                viaDefault.add(List.of(offset, length, sequence, (long) entries));
            }

            @Override
            public void damage(WalCorruption corruption) {
                damage.add(corruption);
            }
        });
        Logs.Walk direct = Logs.Walk.of(file, RecoveryMode.SALVAGE, false);
        assertEquals(direct, new Logs.Walk(viaDefault, damage, end, null));
        assertEquals(1, damage.size());
    }
}
