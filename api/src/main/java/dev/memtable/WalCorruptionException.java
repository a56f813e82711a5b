package dev.memtable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/** Recovery found damage that its {@link RecoveryMode} does not tolerate. */
public final class WalCorruptionException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient WalCorruption corruption;

    /**
     * @param corruption where and what
     * @throws NullPointerException if {@code corruption} is null
     */
    public WalCorruptionException(WalCorruption corruption) {
        super("corrupt write-ahead log " + Objects.requireNonNull(corruption, "corruption"));
        this.corruption = corruption;
    }

    /** Returns where the damage is and what it is. */
    public WalCorruption corruption() {
        return corruption;
    }

    /** Returns the damaged file. */
    public Path file() {
        return corruption.file();
    }

    /** Returns the byte offset of the damage. */
    public long offset() {
        return corruption.offset();
    }

    /** Returns the reason, e.g. {@code "checksum mismatch"}. */
    public String reason() {
        return corruption.reason();
    }
}
