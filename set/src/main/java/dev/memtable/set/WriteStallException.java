package dev.memtable.set;

import dev.memtable.MemTable;

import java.time.Duration;

/**
 * A write to a {@link MemTableSet} needed a freeze but the set already held its
 * {@linkplain MemTableSet.Builder#maxImmutables(int) maximum number of immutable tables}, and no
 * table was {@linkplain MemTableSet#flushed(MemTable) released} within the
 * {@linkplain MemTableSet.Builder#stallTimeout(Duration) stall timeout} (or the waiting thread was
 * interrupted; then the {@linkplain #getCause() cause} is the {@link InterruptedException} and the
 * thread's interrupt status is set again).
 *
 * <p><b>The write was not applied</b>, and the set is unchanged: a write stalls <em>before</em> it
 * touches any table, so the caller may simply retry it once the engine has flushed.
 */
public final class WriteStallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int maxImmutables;
    private final transient Duration waited;

    /**
     * @param message the full message
     * @param maxImmutables the limit that was reached
     * @param waited how long the writer waited
     * @param cause the interruption, or null for a timeout
     */
    WriteStallException(String message, int maxImmutables, Duration waited,
                        InterruptedException cause) {
        super(message, cause);
        this.maxImmutables = maxImmutables;
        this.waited = waited;
    }

    /** Returns the limit of immutable tables that was reached. */
    public int maxImmutables() {
        return maxImmutables;
    }

    /** Returns how long the writer waited before giving up. */
    public Duration waited() {
        return waited;
    }
}
