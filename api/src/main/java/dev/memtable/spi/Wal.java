package dev.memtable.spi;

import dev.memtable.Bytes;
import dev.memtable.WriteBatch;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An open write-ahead log: an append-only file of checksummed records, each one put, delete or
 * {@link WriteBatch} with the sequence number of its version(s) (see {@link dev.memtable.MemTable}). Obtained from a {@link WalProvider}; used by {@link AbstractMemTable}, which
 * appends before it changes memory.
 *
 * <h2>Positions and durability</h2>
 * Each append returns the log position just past its record. {@link #syncTo(long)} returns once
 * the log is durable at least up to a position; concurrent callers share one fsync (group
 * commit). {@link #sync()} is {@code syncTo(}everything appended so far{@code )}.
 *
 * <h2>Failure</h2>
 * A failed write or fsync makes the log <em>permanently failed</em>: that call, every call waiting
 * on it and every later append or sync throws {@link IOException} (with the original failure as
 * cause); it never reports success again.
 *
 * <h2>Thread safety</h2>
 * All methods may be called by any number of threads at once. Records appear in the file in the
 * order their appends returned positions.
 */
public interface Wal extends Closeable {

    /** Returns the log file. */
    Path path();

    /**
     * Appends one record putting {@code value} under {@code key} at {@code sequence} (an empty
     * value is a delete). The caller has checked the sequence ({@code 1 .. MAX_SEQUENCE}).
     *
     * @return the position just past the record
     * @throws IOException if the log failed, now or earlier, or is closed
     */
    long append(Bytes key, Bytes value, long sequence) throws IOException;

    /**
     * Appends {@code batch} as one record whose entries all carry {@code sequence}: recovered
     * wholly or not at all.
     *
     * @return the position just past the record
     * @throws IOException if the log failed, now or earlier, or is closed
     */
    long append(WriteBatch batch, long sequence) throws IOException;

    /**
     * Returns once every record ending at or before {@code position} is on stable storage.
     *
     * @throws IOException if the log failed, now or earlier, or is closed
     */
    void syncTo(long position) throws IOException;

    /**
     * Returns once every record appended before this call is on stable storage.
     *
     * @throws IOException if the log failed, now or earlier, or is closed
     */
    void sync() throws IOException;

    /** Returns the position just past the last appended record (the logical file size). */
    long position();

    /**
     * Syncs and closes the log; the file stays. Idempotent.
     *
     * @throws IOException if the final sync or close failed
     */
    @Override
    void close() throws IOException;
}
