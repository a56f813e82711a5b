package dev.memtable.set;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Says why an I/O operation failed, in words, for messages that already name the file: the
 * JDK's {@link AccessDeniedException} and its siblings carry only the path as their message, so
 * "memtable: /db/wal/LOCK" would be all a user sees.
 */
final class IoErrors {

    private IoErrors() {
    }

    /** Returns the cause of {@code e} in words, e.g. {@code "permission denied"}. */
    static String describe(Throwable e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        String message = e.getMessage();
        return message != null ? message : e.getClass().getSimpleName();
    }
}
