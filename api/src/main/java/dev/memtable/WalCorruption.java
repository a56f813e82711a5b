package dev.memtable;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One damaged region found while reading a write-ahead log.
 *
 * @param file the log file
 * @param offset the byte offset where the damage starts
 * @param length how many bytes were skipped or dropped
 * @param reason what is wrong, e.g. {@code "checksum mismatch"}
 */
public record WalCorruption(Path file, long offset, long length, String reason) {
    /** @throws NullPointerException if {@code file} or {@code reason} is null */
    public WalCorruption {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return file + " at offset " + offset + " (" + length + " bytes): " + reason;
    }
}
