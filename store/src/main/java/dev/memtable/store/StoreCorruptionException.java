package dev.memtable.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A store file (a sorted run or the manifest) is damaged: a checksum does not match, a length or
 * offset points outside the file, a magic number or version is wrong. The message names the file,
 * the byte offset of the damaged part and what is wrong; damaged bytes are never returned as
 * data.
 */
public final class StoreCorruptionException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    /**
     * @param file the damaged file
     * @param offset the byte offset of the damaged part in it
     * @param problem what is wrong, for the message
     * @throws NullPointerException if {@code file} or {@code problem} is null
     */
    public StoreCorruptionException(Path file, long offset, String problem) {
        super(Objects.requireNonNull(file, "file") + " is damaged at offset " + offset + ": "
                + Objects.requireNonNull(problem, "problem"));
        this.file = file;
        this.offset = offset;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** The byte offset of the damaged part in {@link #file()}. */
    public long offset() {
        return offset;
    }
}
