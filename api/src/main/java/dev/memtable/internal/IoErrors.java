package dev.memtable.internal;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/**
 * Says why an I/O operation failed, in words, written once for every module of the library: the
 * JDK's {@link AccessDeniedException} and its siblings carry only the path as their message, so
 * {@code memtable: /db/wal/LOCK} would be all a user sees. Not part of the api: the package is
 * exported only to the library's own modules. Thread-safe (no state).
 */
public final class IoErrors {

    private IoErrors() {
    }

    /**
     * Returns the cause of {@code e} in words, for a message that already names the file: the
     * reason of a {@link FileSystemException} ({@code "permission denied"}, {@code "Is a
     * directory"}), else the message, else the simple class name.
     *
     * @throws NullPointerException if {@code e} is null
     */
    public static String describe(Throwable e) {
        if (e instanceof FileSystemException f) {
            return reason(f);
        }
        String message = e.getMessage();
        return message != null ? message : e.getClass().getSimpleName();
    }

    /**
     * Returns the reason of a file-system failure in words: the system's reason if it gave one,
     * else the meaning of the exception's type.
     *
     * @throws NullPointerException if {@code f} is null
     */
    public static String reason(FileSystemException f) {
        if (f.getReason() != null) {
            return f.getReason();
        }
        if (f instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (f instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (f instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (f instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (f instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (f instanceof NotLinkException) {
            return "not a symbolic link";
        }
        if (f instanceof FileSystemLoopException) {
            return "a loop of symbolic links";
        }
        return "file system error (" + f.getClass().getSimpleName() + ")";
    }
}
