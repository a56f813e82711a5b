package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTables;
import dev.memtable.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalCommandTest {

    @TempDir
    Path dir;
    private Path log;

    @BeforeEach
    void writeLog() throws IOException {
        log = dir.resolve("1.wal");
        try (MemTable t = MemTables.provider("skiplist").createWithWal(1, log)) {
            t.put(Bytes.ofUtf8("a"), Bytes.ofUtf8("1"));
            t.write(new WriteBatch().put(Bytes.ofUtf8("b"), Bytes.ofUtf8("two words"))
                    .delete(Bytes.ofUtf8("a")));
            t.put(Bytes.fromHex("00ff"), Bytes.ofUtf8("3"), 42);      // a versioned write
        }
    }

    /** Offsets of the records, parsed from a clean dump. */
    private long[] recordOffsets() {
        CliRun run = CliRun.of("wal", "dump", log.toString());
        Matcher m = Pattern.compile("offset (\\d+): record").matcher(run.out());
        long[] out = new long[3];
        for (int i = 0; i < 3; i++) {
            assertTrue(m.find(), run.toString());
            out[i] = Long.parseLong(m.group(1));
        }
        return out;
    }

    private void damage(long from, int length) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate(length), from);
        }
    }

    @Test
    void dump_cleanLog_listsRecordsWithOffsetsAndContents() {
        CliRun run = CliRun.of("wal", "dump", log.toString());
        assertEquals(Main.OK, run.exitCode(), run.toString());
        assertTrue(run.out().contains("offset 20: record of "), run.toString());
        // Each record with its sequence: the first two taken in order, the third written at 42.
        assertTrue(run.out().contains(" bytes, seq=1, 1 entry, checksum ok\n  put a 1\n"),
                run.toString());
        assertTrue(run.out().contains(" bytes, seq=2, 2 entries, checksum ok\n"
                + "  put b \"two words\"\n  delete a\n"), run.toString());
        assertTrue(run.out().contains(" bytes, seq=42, 1 entry, checksum ok\n  put 0x00ff 3\n"),
                run.toString());
        assertTrue(run.out().contains("3 records, 4 entries, 0 damaged region(s); the intact log"
                + " ends at offset " + fileSize()), run.toString());
    }

    @Test
    void dump_holeInTheMiddle_showsTheDamageAndWhatFollows() throws IOException {
        long[] offsets = recordOffsets();
        damage(offsets[1], 5);
        CliRun run = CliRun.of("wal", "dump", log.toString());
        assertEquals(Main.PROBLEM, run.exitCode(), run.toString());
        assertTrue(run.out().contains("offset " + offsets[1] + ": DAMAGE"), run.toString());
        assertTrue(run.out().contains("  put 0x00ff 3\n"), "salvage shows what follows: " + run);
        CliRun strict = CliRun.of("wal", "dump", "--mode", "strict", log.toString());
        assertEquals(Main.PROBLEM, strict.exitCode(), strict.toString());
        assertTrue(strict.out().contains("recovery in mode strict stops here and fails"),
                strict.toString());
    }

    @Test
    void verify_cleanLog_isOk() {
        CliRun run = CliRun.of("wal", "verify", log.toString());
        assertEquals(Main.OK, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("OK: " + log + ", 3 records, 4 entries"), run.toString());
    }

    @Test
    void verify_tornTail_isOkByDefaultAndCorruptInStrictMode() throws IOException {
        long size = fileSize();
        Files.write(log, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        CliRun tolerate = CliRun.of("wal", "verify", log.toString());
        assertEquals(Main.OK, tolerate.exitCode(), tolerate.toString());
        assertTrue(tolerate.out().contains("warning: offset " + size), tolerate.toString());
        CliRun strict = CliRun.of("wal", "verify", "--mode", "strict", log.toString());
        assertEquals(Main.PROBLEM, strict.exitCode(), strict.toString());
        assertTrue(strict.out().startsWith("CORRUPT: " + log + " at offset " + size + ": "),
                strict.toString());
        assertEquals(size + 3, fileSize(), "verify never changes the file");
    }

    @Test
    void verify_holeInTheMiddle_givesOffsetAndReason() throws IOException {
        long[] offsets = recordOffsets();
        damage(offsets[1], 5);
        CliRun run = CliRun.of("wal", "verify", log.toString());
        assertEquals(Main.PROBLEM, run.exitCode(), run.toString());
        assertTrue(run.out().contains("at offset " + offsets[1] + ": "), run.toString());
        assertTrue(run.out().contains("not a torn tail"), run.toString());
        CliRun salvage = CliRun.of("wal", "verify", "--mode", "salvage", log.toString());
        assertEquals(Main.OK, salvage.exitCode(), salvage.toString());
        assertTrue(salvage.out().contains("warning: offset " + offsets[1]), salvage.toString());
    }

    @Test
    void missingFileOrDirectory_namesThePath() {
        Path missing = dir.resolve("missing.wal");
        for (String command : new String[] {"dump", "verify"}) {
            CliRun run = CliRun.of("wal", command, missing.toString());
            assertEquals(Main.PROBLEM, run.exitCode(), run.toString());
            assertTrue(run.err().contains("no such file: " + missing.toAbsolutePath()), run.toString());
            CliRun onDir = CliRun.of("wal", command, dir.toString());
            assertEquals(Main.PROBLEM, onDir.exitCode(), onDir.toString());
            assertTrue(onDir.err().contains("is a directory, not a log"), onDir.toString());
        }
    }

    @Test
    void notALog_isReportedNotCrashed() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello, this is not a log at all");
        CliRun run = CliRun.of("wal", "verify", text.toString());
        assertEquals(Main.PROBLEM, run.exitCode(), run.toString());
        assertTrue(run.out().contains("CORRUPT: " + text + " at offset 0"), run.toString());
    }

    @Test
    void badUsage_printsUsage() {
        CliRun mode = CliRun.of("wal", "verify", "--mode", "bogus", log.toString());
        assertEquals(Main.USAGE, mode.exitCode(), mode.toString());
        assertTrue(mode.err().contains("expected one of [tolerate, strict, salvage]"), mode.toString());
        CliRun none = CliRun.of("wal");
        assertEquals(Main.USAGE, none.exitCode(), none.toString());
        assertTrue(none.err().contains("Missing a wal command"), none.toString());
        CliRun noFile = CliRun.of("wal", "dump");
        assertEquals(Main.USAGE, noFile.exitCode(), noFile.toString());
        assertTrue(noFile.err().contains("Missing required parameter: 'FILE'"), noFile.toString());
    }

    private long fileSize() {
        try {
            return Files.size(log);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
