package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.MemTables;
import dev.memtable.set.MemTableSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory of the old shell (a {@link MemTableSet} with its logs at the top) opened by the
 * store's shell: the logs move into {@code wal/} and every write is there.
 */
class ShellMigrationTest {

    @TempDir
    Path dir;

    /** Writes what the old shell would have: logs at the top of {@link #dir}; returns them. */
    private int oldShell() throws Exception {
        return oldShell(dir);
    }

    /** Writes what the old shell would have: logs at the top of {@code dir}; returns them. */
    private static int oldShell(Path dir) throws Exception {
        try (MemTableSet set = MemTableSet.builder().backend(MemTables.provider("skiplist"))
                .walDirectory(dir).build()) {
            set.put(Bytes.ofUtf8("a"), Bytes.ofUtf8("1"));
            set.put(Bytes.ofUtf8("b"), Bytes.ofUtf8("2"));
            set.freeze();
            set.delete(Bytes.ofUtf8("a"));
            set.freeze();
            set.put(Bytes.ofUtf8("c"), Bytes.ofUtf8("3"));
        }
        int logs = StoreDirectory.oldLogs(dir).size();
        assertTrue(logs >= 3, "the old layout: a log per table");
        return logs;
    }

    @Test
    void oldLayout_isMovedIntoWal_andEveryWriteIsThere() throws Exception {
        int logs = oldShell();
        CliRun run = CliRun.withInput("get a\nget b\nget c\nput d 4\nflush\n", "shell", "--dir",
                dir.toString());
        assertEquals(Main.OK, run.exitCode(), run.toString());
        assertEquals("memtable: moved " + logs + " logs of the old shell into " + dir.resolve("wal")
                .toAbsolutePath() + " (the store's layout)\n", run.err());
        assertEquals(List.of("(not found)", "2", "3", "OK"), run.out().lines().limit(4)
                .toList());
        assertTrue(StoreDirectory.oldLogs(dir).isEmpty(), "no log left at the top");
        assertFalse(Files.exists(dir.resolve(StoreDirectory.MIGRATING)));

        CliRun again = CliRun.withInput("get a\nget b\nget c\nget d\nstats\n", "shell", "--dir",
                dir.toString());
        assertEquals(Main.OK, again.exitCode(), again.toString());
        assertEquals("", again.err(), "nothing to move the second time");
        assertEquals(List.of("(not found)", "2", "3", "4"), again.out().lines().limit(4)
                .toList());
    }

    @Test
    void migrationCutShort_isFinishedByTheNextStart() throws Exception {
        int count = oldShell();
        List<Path> logs = StoreDirectory.oldLogs(dir);
        Path staging = Files.createDirectory(dir.resolve(StoreDirectory.MIGRATING));
        Files.move(logs.get(0), staging.resolve(logs.get(0).getFileName()));
        CliRun run = CliRun.withInput("get b\nget c\n", "shell", "--dir", dir.toString());
        assertEquals(Main.OK, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("memtable: moved " + count + " logs of the old shell"),
                run.err());
        assertEquals("2\n3\n", run.out());
        assertTrue(StoreDirectory.oldLogs(dir).isEmpty(), "no log left at the top");
        assertFalse(Files.exists(staging), "the staging directory became wal/");
    }

    @Test
    void bothLayouts_areRefused_andNothingMoves(@TempDir Path old) throws Exception {
        assertEquals(Main.OK, CliRun.withInput("put x 1\nflush\n", "shell", "--dir",
                dir.toString()).exitCode());
        assertTrue(Files.isRegularFile(dir.resolve("MANIFEST")), "a store");
        int logs = oldShell(old);
        for (Path log : StoreDirectory.oldLogs(old)) {
            Files.copy(log, dir.resolve(log.getFileName()));
        }
        CliRun run = CliRun.withInput("get b\n", "shell", "--dir", dir.toString());
        assertEquals(Main.PROBLEM, run.exitCode(), run.toString());
        assertTrue(run.err().contains("holds a store (MANIFEST) and logs of the old shell's"
                + " layout (" + logs + " at its top, 00000000000000000001.wal, ...); nothing was"
                + " moved."),
                run.toString());
        assertEquals(logs, StoreDirectory.oldLogs(dir).size(), "nothing moved");
        assertEquals("", run.out());
    }
}
