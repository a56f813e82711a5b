package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
        assertTrue(run.err().contains("cannot use directory " + bad.toAbsolutePath()),
                run.toString());
        assertTrue(!run.err().contains("\tat "), "no stack trace: " + run);
    }

    @Test
    void shell_badFreezeSize_isAUsageError() {
        CliRun run = CliRun.of("shell", "--dir", tmp.toString(), "--freeze-at", "0");
        assertEquals(Main.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--freeze-at must be positive"), run.toString());
    }
}
