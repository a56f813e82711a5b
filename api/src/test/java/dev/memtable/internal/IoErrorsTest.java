package dev.memtable.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import org.junit.jupiter.api.Test;

class IoErrorsTest {

    @Test
    void describe_fileSystemExceptionsWhoseMessageIsOnlyThePath_sayWhy() {
        assertEquals("permission denied", IoErrors.describe(new AccessDeniedException("/d/LOCK")));
        assertEquals("no such file or directory",
                IoErrors.describe(new NoSuchFileException("/d/1.wal")));
        assertEquals("already exists", IoErrors.describe(new FileAlreadyExistsException("/d")));
        assertEquals("not a directory", IoErrors.describe(new NotDirectoryException("/d")));
        assertEquals("directory not empty",
                IoErrors.describe(new DirectoryNotEmptyException("/d")));
        assertEquals("not a symbolic link", IoErrors.describe(new NotLinkException("/d")));
        assertEquals("a loop of symbolic links",
                IoErrors.describe(new FileSystemLoopException("/d")));
        assertEquals("file system error (FileSystemException)",
                IoErrors.describe(new FileSystemException("/d")));
    }

    @Test
    void describe_theSystemsReasonWins_thenTheMessage_thenTheType() {
        assertEquals("Is a directory",
                IoErrors.describe(new FileSystemException("/d/LOCK", null, "Is a directory")));
        assertEquals("Read-only file system", IoErrors.describe(
                new AccessDeniedException("/d/LOCK", null, "Read-only file system")));
        assertEquals("No space left on device",
                IoErrors.describe(new IOException("No space left on device")));
        assertEquals("IOException", IoErrors.describe(new IOException()));
    }
}
