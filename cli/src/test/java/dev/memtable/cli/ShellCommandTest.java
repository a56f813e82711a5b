package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellCommandTest {

    @TempDir
    Path tmp;

    @Test
    void shell_unknownBackend_listsTheKnownOnes() {
        CliRun run = CliRun.of("shell", "--dir", tmp.toString(), "--backend", "nope");
        assertEquals(Main.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Unknown memtable backend 'nope'. Available: [")
                && run.err().contains("skiplist (dev.memtable.skiplist.SkipListMemTableProvider)"),
                run.toString());
        assertTrue(run.err().contains("Usage: memtable shell"), run.toString());
    }

    @Test
    void shell_unusableDirectory_namesThePath() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        Path bad = file.resolve("data");
        CliRun run = CliRun.of("shell", "--dir", bad.toString());
        assertEquals(Main.PROBLEM, run.exitCode(), run.toString());
        assertTrue(run.err().contains("memtable: cannot use directory " + bad.toAbsolutePath()
                + ": Not a directory\n"), "the path once, then the reason: " + run);
        assertTrue(!run.err().contains("\tat "), "no stack trace: " + run);
    }

    @Test
    void shell_badFreezeSize_isAUsageError() {
        CliRun run = CliRun.of("shell", "--dir", tmp.toString(), "--freeze-at", "0");
        assertEquals(Main.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--freeze-at must be positive"), run.toString());
    }

    private static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String text) {
                out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    private CliRun shell(String input, String... options) {
        return shell(input.getBytes(StandardCharsets.UTF_8), options);
    }

    private CliRun shell(byte[] input, String... options) {
        List<String> args = new ArrayList<>(List.of("shell", "--dir", tmp.toString()));
        args.addAll(List.of(options));
        return CliRun.withInput(input, args.toArray(new String[0]));
    }

    @Test
    void shell_pipedInputWithAFailedLine_goesOnAndExitsWithOne() {
        CliRun run = shell("put a 1\nfrob\nget a\n");
        assertEquals(Main.PROBLEM, run.exitCode(), run.toString());
        assertEquals("OK\nerror: unknown command 'frob'; type help for the list\n1\n", run.out());
        CliRun clean = shell("get a\nquit\nfrob\n");
        assertEquals(Main.OK, clean.exitCode(), "nothing after quit runs: " + clean);
        assertEquals("1\n", clean.out());
    }

    @Test
    void shell_help_tellsTheExitStatusOfPipedInput() {
        CliRun run = CliRun.of("shell", "--help");
        assertEquals(Main.OK, run.exitCode(), run.toString());
        assertTrue(run.out().replaceAll("\\s+", " ")
                .contains("exits with 1 at the end if any line failed"), run.toString());
        assertTrue(shell("help\n").out().contains("exits with 1 at the end if any line failed"));
    }

    @Test
    void shell_bytesThatAreNotUtf8_areRefusedWithLineAndOffset_neverMerged() {
        CliRun run = shell(bytes("put ", 0xff, " one\nput ", 0xfe, " two\nput 0xff one\n",
                "get 0xfe\nget 0xff\nget 0xefbfbd\n"));
        assertEquals(Main.PROBLEM, run.exitCode(), run.toString());
        List<String> out = run.out().lines().toList();
        assertEquals(6, out.size(), run.toString());
        assertTrue(out.get(0).startsWith("error: line 1: the byte 0xff at offset 4 is not valid"
                + " UTF-8; the line was skipped. Write bytes that are not UTF-8 text as hex"),
                out.get(0));
        assertTrue(out.get(1).startsWith("error: line 2: the byte 0xfe at offset 4"), out.get(1));
        assertEquals(List.of("OK", "(not found)", "one", "(not found)"), out.subList(2, 6),
                "nothing was stored under U+FFFD");
    }

    @Test
    void shell_byteOrderMarkAndCrLf_areLineSyntax_notKeyBytes() {
        CliRun run = shell(bytes(0xef, 0xbb, 0xbf, "put a 1\r\nget 0x61\r\n\r\nget a\r\n"));
        assertEquals(Main.OK, run.exitCode(), run.toString());
        assertEquals("OK\n1\n1\n", run.out());
    }

    @Test
    void shell_emptyDir_isAUsageError() {
        CliRun run = CliRun.withInput("put a 1\n", "shell", "--dir", "");
        assertEquals(Main.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--dir is empty; name a directory (--dir . for the current"
                + " one)"), run.toString());
        assertTrue(run.err().contains("Usage: memtable shell"), run.toString());
        assertEquals("", run.out(), "nothing ran");
    }

    @Test
    void shell_dirThatIsARegularFile_isAUsageError() throws IOException {
        Path file = Files.writeString(tmp.resolve("notes"), "a file");
        CliRun run = CliRun.withInput("put a 1\n", "shell", "--dir", file.toString());
        assertEquals(Main.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--dir " + file + " is a file; name a directory"),
                run.toString());
        assertEquals("a file", Files.readString(file));
    }

    @Test
    void shell_dirThatIsADanglingLink_isAUsageError() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("gone"));
        CliRun run = CliRun.withInput("put a 1\n", "shell", "--dir", link.toString());
        assertEquals(Main.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--dir " + link + " is a symbolic link to "
                + tmp.resolve("gone") + ", which does not exist"), run.toString());
    }

    @Test
    void shell_unusableLockFile_namesTheFileAndTheCause() throws IOException {
        // As root no permission bit stops us: a LOCK that cannot be opened stands in.
        Path lock = Files.createSymbolicLink(tmp.resolve("LOCK"), tmp.resolve("gone/LOCK"));
        CliRun run = shell("put a 1\n");
        assertEquals(Main.PROBLEM, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("memtable: cannot open the store in "
                + tmp.toAbsolutePath() + ": "), run.toString());
        assertTrue(run.err().contains(lock.toString()), "names the file: " + run);
        assertTrue(run.err().contains(": no such file or directory"), "says why: " + run);
        Files.delete(lock);
        Files.createDirectory(lock);
        run = shell("put a 1\n");
        assertEquals(Main.PROBLEM, run.exitCode(), run.toString());
        assertTrue(run.err().contains(lock.toString()), "names the file: " + run);
        assertTrue(run.err().contains(": Is a directory"), "says why: " + run);
        assertTrue(!run.err().contains("\tat "), "no stack trace: " + run);
    }

    /** Writes three records into the store's first log and returns the log and their offsets. */
    private Path threeRecords(long[] offsets) {
        assertEquals(Main.OK, shell("put a 1\nput b 2\nput c 3\n").exitCode());
        List<Path> logs;
        try {
            logs = StoreDirectory.oldLogs(tmp.resolve("wal"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(1, logs.size(), "the store's one log: " + logs);
        Path log = logs.get(0);
        CliRun dump = CliRun.of("wal", "dump", log.toString());
        Matcher m = Pattern.compile("offset (\\d+): record").matcher(dump.out());
        for (int i = 0; i < offsets.length; i++) {
            assertTrue(m.find(), dump.toString());
            offsets[i] = Long.parseLong(m.group(1));
        }
        return log;
    }

    @Test
    void shell_corruptLog_namesFileAndOffset_andTheWayOut() throws IOException {
        long[] offsets = new long[3];
        Path log = threeRecords(offsets);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(5), offsets[1]);
        }
        CliRun run = shell("get a\n");
        assertEquals(Main.PROBLEM, run.exitCode(), run.toString());
        assertTrue(run.err().contains("the write-ahead log " + log + " is damaged at offset "
                + offsets[1]), run.toString());
        assertTrue(run.err().contains("memtable wal verify " + log), run.toString());
        assertTrue(run.err().contains("--recovery salvage"), run.toString());
        assertTrue(run.err().contains("Salvage drops every damaged region, and the writes in it are"
                + " lost"), run.toString());

        CliRun salvaged = shell("get a\nget b\nget c\n", "--recovery", "salvage");
        assertEquals(Main.OK, salvaged.exitCode(), salvaged.toString());
        assertEquals("1\n(not found)\n3\n", salvaged.out());
        assertTrue(salvaged.err().contains("memtable: warning: salvage skipped "),
                salvaged.toString());
        assertTrue(salvaged.err().contains(" at offset " + offsets[1] + " of " + log),
                salvaged.toString());
        // What salvage kept was flushed to a run, the damaged log kept beside the store.
        assertTrue(Files.notExists(log), "the salvaged log is gone once its table is a run");
        assertTrue(Files.isRegularFile(tmp.resolve(log.getFileName() + ".damaged")));
        CliRun later = shell("get a\nget b\nget c\n");
        assertEquals(Main.OK, later.exitCode(), later.toString());
        assertEquals("1\n(not found)\n3\n", later.out());
        assertEquals("", later.err(), "no damage left to warn of");
    }

    @Test
    void shell_tornTail_isRefusedInStrictMode_andDroppedByDefault() throws IOException {
        Path log = threeRecords(new long[3]);
        long size = Files.size(log);
        Files.write(log, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        CliRun strict = shell("get c\n", "--recovery", "strict");
        assertEquals(Main.PROBLEM, strict.exitCode(), strict.toString());
        assertTrue(strict.err().contains("is damaged at offset " + size), strict.toString());
        assertTrue(strict.err().contains("(or without --recovery strict, if only a torn tail is"
                + " damaged)"), strict.toString());
        CliRun tolerant = shell("get c\n");
        assertEquals(Main.OK, tolerant.exitCode(), tolerant.toString());
        assertEquals("3\n", tolerant.out());
        assertTrue(tolerant.err().contains("memtable: warning: dropped a torn tail of 3 bytes at"
                + " offset " + size + " of " + log), tolerant.toString());
    }

    @Test
    void shell_badStoreOptions_areUsageErrorsNamingTheOption() {
        CliRun cache = shell("put a 1\n", "--block-cache", "-1");
        assertEquals(Main.USAGE, cache.exitCode(), cache.toString());
        assertTrue(cache.err().contains("memtable: --block-cache must not be negative (0 turns it"
                + " off), not -1"), cache.toString());
        CliRun runs = shell("put a 1\n", "--max-runs", "1");
        assertEquals(Main.USAGE, runs.exitCode(), runs.toString());
        assertTrue(runs.err().contains("memtable: --max-runs must be at least 2, not 1"),
                runs.toString());
        assertEquals("", cache.out() + runs.out(), "nothing ran");
        CliRun off = shell("put a 1\nflush\nget a\nstats\n", "--block-cache", "0",
                "--max-runs", "2");
        assertEquals(Main.OK, off.exitCode(), off.toString());
        assertTrue(off.out().contains("\nblock cache: off ("), off.toString());
    }

    @Test
    void storeWarnings_areOneLineEach_withoutAStackTrace() {
        java.io.StringWriter err = new java.io.StringWriter();
        ShellCommand.logTo(new java.io.PrintWriter(err));
        java.util.logging.Logger.getLogger("dev.memtable.store.Flusher").log(
                java.util.logging.Level.WARNING, "background flush of store /d failed",
                new IOException("could not write /d/1.run", new IOException("No space left")));
        assertEquals("memtable: warning: background flush of store /d failed: could not write"
                + " /d/1.run: No space left\n", err.toString());
    }

    @Test
    void shell_badRecoveryMode_isAUsageError() {
        CliRun run = shell("", "--recovery", "hopeful");
        assertEquals(Main.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("expected one of [tolerate, strict, salvage]"),
                run.toString());
    }
}
