package dev.memtable.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruption;
import dev.memtable.WalCorruptionException;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.WalInspector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs in format version 1, written before sequence numbers, are refused in every mode, by
 * recovery and inspection alike, with a message that says what the file is and what to do, and
 * are never changed. The version-1 bytes are built here by hand from the version-1 layout (file
 * header with version 1, records whose BATCH payload starts with the entry count), with valid
 * checksums, independently of the code that writes version 2.
 */
class OldLogTest {

    private static final long SALT = 0x1234_5678_9abc_def0L;

    @TempDir
    Path dir;

    private final RecordingLogger logger = new RecordingLogger();
    private final FileWalProvider provider = new FileWalProvider(FaultyFs.fast(), logger);

    @Test
    void recover_version1Log_isRefusedInEveryModeWithWhatToDoAndLeftAlone() throws IOException {
        byte[] v1 = version1Log();
        for (RecoveryMode mode : RecoveryMode.values()) {
            Path file = Logs.copy(dir, "old-" + mode + ".log", v1);
            List<Long> replayed = new ArrayList<>();
            List<WalCorruption> reports = new ArrayList<>();
            WalOptions options = WalOptions.defaults().withRecoveryMode(mode)
                    .withCorruptionListener(reports::add);
            WalCorruptionException e = assertThrows(WalCorruptionException.class,
                    () -> provider.recover(file, options, (s, b) -> replayed.add(s)));
            checkRefusal(file, e, mode);
            assertEquals(List.of(), replayed, mode + ": replayed a version-1 record");
            assertEquals(List.of(), reports, mode + ": a refusal is not a tolerated report");
            assertArrayEquals(v1, Files.readAllBytes(file), mode + ": the old log was changed");
            // Not left locked either: a second attempt gets the same answer.
            checkRefusal(file, assertThrows(WalCorruptionException.class,
                    () -> provider.recover(file, options, (s, b) -> { })), mode);
        }
        assertEquals(List.of(), logger.entries, "refusals are thrown, not logged");
    }

    @Test
    void inspect_version1Log_isRefusedInEveryModeWithWhatToDo() throws IOException {
        byte[] v1 = version1Log();
        Path file = Logs.copy(dir, "old.log", v1);
        for (RecoveryMode mode : RecoveryMode.values()) {
            List<String> seen = new ArrayList<>();
            WalInspector inspector = new WalInspector() {
                @Override
                public void record(long offset, long length, long sequence, WriteBatch batch) {
                    seen.add("record at " + offset);
                }

                @Override
                public void damage(WalCorruption corruption) {
                    seen.add("damage " + corruption);
                }
            };
            WalCorruptionException e = assertThrows(WalCorruptionException.class,
                    () -> provider.inspect(file, mode, inspector));
            checkRefusal(file, e, mode);
            assertEquals(List.of(), seen, mode.toString());
        }
        assertArrayEquals(v1, Files.readAllBytes(file));
    }

    @Test
    void recover_version1HeaderOnly_isRefusedNotTakenForATornHeader() throws IOException {
        byte[] header = version1Header();
        for (RecoveryMode mode : RecoveryMode.values()) {
            Path file = Logs.copy(dir, "empty-old.log", header);
            Logs.Recovered r = Logs.recover(provider, file, mode, false);
            assertNotNull(r.error(), mode + " accepted an empty version-1 log");
            checkRefusal(file, r.error(), mode);
            assertArrayEquals(header, Files.readAllBytes(file), mode + ": header rewritten");
        }
    }

    /**
     * The version-1 bytes are a log whose checksums hold: relabelled as version 2 (header CRC
     * recomputed), the first record passes both checksums and fails only the version-2 grammar,
     * since its payload has no sequence where version 2 expects one.
     */
    @Test
    void version1Records_relabelledAsVersion2_haveValidChecksumsButAreMalformed()
            throws IOException {
        byte[] relabelled = version1Log();
        LogFormat.putInt(relabelled, 4, 2);
        sealHeader(relabelled);
        Logs.Recovered r = Logs.recover(provider, Logs.copy(dir, "relabelled.log", relabelled),
                RecoveryMode.STRICT, false);
        assertNotNull(r.error());
        assertEquals(LogFormat.FILE_HEADER_SIZE, r.error().offset());
        assertTrue(r.error().reason().startsWith("malformed record: sequence "),
                r.error().reason());
    }

    private static void checkRefusal(Path file, WalCorruptionException e, RecoveryMode mode) {
        String message = e.getMessage();
        assertEquals(file, e.file(), mode.toString());
        assertEquals(0, e.offset(), mode.toString());
        assertEquals(LogFormat.version1Refusal(file), e.reason(), mode.toString());
        for (String part : List.of(file.toString(), "format version 1",
                "written before sequence numbers", "reads only format version 2",
                "open it with the release that wrote it", "flush or copy its data",
                "then delete it")) {
            assertTrue(message.contains(part), mode + ": \"" + part + "\" missing from " + message);
        }
    }

    // ------------------------------------------------------------------ version 1, by hand

    /** A version-1 log: header, then a put, a two-entry batch and a delete. */
    private static byte[] version1Log() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(version1Header());
        out.writeBytes(version1Record(List.of(put("alpha", "one"))));
        out.writeBytes(version1Record(List.of(put("beta", "two"), delete("alpha"))));
        out.writeBytes(version1Record(List.of(delete("beta"))));
        return out.toByteArray();
    }

    /** magic "MTWL" | version 1 | salt | masked CRC32C of bytes 0..16. */
    private static byte[] version1Header() {
        byte[] h = new byte[20];
        LogFormat.putInt(h, 0, LogFormat.MAGIC);
        LogFormat.putInt(h, 4, 1);
        ByteBuffer.wrap(h, 8, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(SALT);
        sealHeader(h);
        return h;
    }

    private static void sealHeader(byte[] log) {
        CRC32C crc = new CRC32C();
        crc.update(log, 0, 16);
        LogFormat.putInt(log, 16, LogFormat.mask((int) crc.getValue()));
    }

    /** An entry of a version-1 payload: kind | keyLength u16 | valueLength u32 (PUT) | key | value. */
    private static byte[] put(String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(7 + k.length + v.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.put((byte) 1).putShort((short) k.length).putInt(v.length).put(k).put(v).array();
    }

    private static byte[] delete(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(3 + k.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.put((byte) 2).putShort((short) k.length).put(k).array();
    }

    /**
     * A version-1 record: hcrc | rcrc | length | type 1 | payload, where payload is
     * {@code count u32 | entry{count}} (no sequence), hcrc = mask(crc32c(salt | bytes 4..13)) and
     * rcrc = mask(crc32c(salt | bytes 8..13 | payload)).
     */
    private static byte[] version1Record(List<byte[]> entries) {
        int payload = 4 + entries.stream().mapToInt(e -> e.length).sum();
        ByteBuffer b = ByteBuffer.allocate(13 + payload).order(ByteOrder.LITTLE_ENDIAN);
        b.position(8);
        b.putInt(payload).put((byte) 1).putInt(entries.size());
        entries.forEach(b::put);
        byte[] rec = b.array();
        byte[] salt = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(SALT).array();
        CRC32C crc = new CRC32C();
        crc.update(salt);
        crc.update(rec, 8, rec.length - 8);
        LogFormat.putInt(rec, 4, LogFormat.mask((int) crc.getValue()));
        crc.reset();
        crc.update(salt);
        crc.update(rec, 4, 9);
        LogFormat.putInt(rec, 0, LogFormat.mask((int) crc.getValue()));
        return rec;
    }
}
