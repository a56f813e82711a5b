package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailuresTest {

    @TempDir
    Path tmp;

    @Test
    void describe_fileSystemExceptionsWithoutReason_nameFileAndCause() {
        assertEquals("/d/LOCK: permission denied",
                Failures.describe(new AccessDeniedException("/d/LOCK")));
        assertEquals("/d/x.wal: no such file or directory",
                Failures.describe(new NoSuchFileException("/d/x.wal")));
        assertEquals("/d/sub: directory not empty",
                Failures.describe(new DirectoryNotEmptyException("/d/sub")));
    }

    @Test
    void describe_fileSystemExceptionWithReason_usesTheReason() {
        assertEquals("/d/LOCK: Is a directory",
                Failures.describe(new FileSystemException("/d/LOCK", null, "Is a directory")));
        assertEquals("/a -> /b: Invalid cross-device link",
                Failures.describe(new FileSystemException("/a", "/b",
                        "Invalid cross-device link")));
        assertEquals("Read-only file system",
                Failures.describe(new FileSystemException(null, null, "Read-only file system")));
    }

    @Test
    void describe_wrapperNamingTheFile_addsOnlyTheReason() {
        Throwable e = new UncheckedIOException("could not create the write-ahead log /d/2.wal of"
                + " memtable 2", new AccessDeniedException("/d/2.wal"));
        assertEquals("could not create the write-ahead log /d/2.wal of memtable 2: permission"
                + " denied", Failures.describe(e));
        AccessDeniedException denied = new AccessDeniedException("/p");
        assertEquals("/p: permission denied",
                Failures.describe(new IllegalStateException(denied.getMessage(), denied)));
    }

    @Test
    void describe_withContext_namesAFileOnlyOnce() {
        assertEquals("cannot use directory /d/data: Not a directory", Failures.describe(
                "cannot use directory /d/data",
                new FileSystemException("/d/data", null, "Not a directory")));
        assertEquals("cannot open the store in /d: /d/LOCK: permission denied",
                Failures.describe("cannot open the store in /d", new AccessDeniedException("/d/LOCK")));
    }

    @Test
    void describe_wrapperMadeFromItsCause_addsNothing() {
        assertEquals("/x: permission denied",
                Failures.describe(new UncheckedIOException(new AccessDeniedException("/x"))));
    }

    @Test
    void describe_causeChain_joinsMessagesWithoutRepeats() {
        assertEquals("opening: disk on fire",
                Failures.describe(new RuntimeException("opening",
                        new IOException("disk on fire"))));
        assertEquals("log failed: disk on fire", Failures.describe(
                new IOException("log failed: disk on fire", new IOException("disk on fire"))));
        assertEquals("append: ClosedChannelException",
                Failures.describe(new IOException("append", new ClosedChannelException())));
        assertEquals("IOException", Failures.describe(new IOException()));
        assertEquals("two lines", Failures.describe(new IOException("two\nlines")));
    }

    @Test
    void describe_causeCycle_ends() {
        IOException a = new IOException("a");
        IOException b = new IOException("b", a);
        a.initCause(b);
        assertEquals("a: b", Failures.describe(a));
    }

    @Test
    void bench_fileSystemError_namesTheFileAndTheReason() throws IOException {
        Path blocker = tmp.resolve("treemap-sync.wal");
        Files.createDirectories(blocker.resolve("inside"));
        CliRun run = CliRun.of("bench", "-n", "500", "--wal-writes", "4", "--wal-threads", "1",
                "--no-progress", "--backends", "treemap", "--dir", tmp.toString());
        assertEquals(Main.PROBLEM, run.exitCode(), run.toString());
        assertTrue(run.err().contains("memtable: " + blocker + ": directory not empty"),
                run.toString());
    }
}
