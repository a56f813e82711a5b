package dev.memtable.spi;

import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruption;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A write-ahead log implementation, discovered through {@link java.util.ServiceLoader} (the
 * {@code dev.memtable.wal} module provides one). Users rarely touch it: tables get their logs
 * through {@link MemTableProvider#createWithWal} and {@link MemTableProvider#recoverFromWal}, and
 * {@link dev.memtable.MemTables#walProvider()} finds it. Implementations are thread-safe.
 */
public interface WalProvider {

    /** Returns a short name for messages, e.g. {@code "crc32c-v2"}. */
    String name();

    /**
     * Creates a new, empty log at {@code file} and fsyncs its directory so the file survives a
     * crash.
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists
     * @throws IOException if it cannot be created
     * @throws NullPointerException if an argument is null
     */
    Wal create(Path file, WalOptions options) throws IOException;

    /**
     * Reads the log at {@code file} from the start, hands every intact record to {@code replay}
     * in file order, with its sequence (a single put or delete arrives as a one-entry batch), treats damage as
     * {@code options.recoveryMode()} says, and returns the log opened for appending after the last
     * good record (a dropped torn tail is truncated first).
     *
     * @throws java.nio.file.NoSuchFileException if {@code file} does not exist
     * @throws dev.memtable.WalCorruptionException if the damage is not tolerated by the mode;
     *     nothing after the damage has been replayed
     * @throws IOException if the file cannot be read or reopened
     * @throws NullPointerException if an argument is null
     */
    Wal recover(Path file, WalOptions options, WalReplay replay) throws IOException;

    /**
     * Reads the log at {@code file} without changing it, as recovery in {@code mode} would: every
     * intact record and every damaged region the mode tolerates go to {@code inspector} in file
     * order. For tools ({@code memtable wal dump} and {@code verify}); it neither locks nor
     * truncates, so it may read a log that is open for appending (it sees the bytes present when it
     * opened the file).
     *
     * @return the offset where the intact log ends (where recovery would continue appending)
     * @throws java.nio.file.NoSuchFileException if {@code file} does not exist
     * @throws dev.memtable.WalCorruptionException at the first damage the mode does not tolerate;
     *     what was reported before it stands
     * @throws IOException if the file cannot be read
     * @throws NullPointerException if an argument is null
     */
    long inspect(Path file, RecoveryMode mode, WalInspector inspector) throws IOException;

    /**
     * Checks the log at {@code file} without changing it, as {@link #inspect} does in
     * {@code mode} (same records, same damage, same refusals at the same offsets with the same
     * reasons, same return value), but hands each intact record to {@code verifier} as its
     * framing and entry count only. For {@code memtable wal verify}: an implementation may then
     * check records without building their entries.
     *
     * <p>The default goes through {@link #inspect} and counts each batch's entries.
     *
     * @return the offset where the intact log ends (where recovery would continue appending)
     * @throws java.nio.file.NoSuchFileException if {@code file} does not exist
     * @throws dev.memtable.WalCorruptionException at the first damage the mode does not tolerate;
     *     what was reported before it stands
     * @throws IOException if the file cannot be read
     * @throws NullPointerException if an argument is null
     */
    default long verify(Path file, RecoveryMode mode, WalVerifier verifier) throws IOException {
        java.util.Objects.requireNonNull(verifier, "verifier");
        return inspect(file, mode, new WalInspector() {
            @Override
            public void record(long offset, long length, long sequence,
                               WriteBatch batch) {
                verifier.record(offset, length, sequence, batch.size());
            }

            @Override
            public void damage(WalCorruption corruption) {
                verifier.damage(corruption);
            }
        });
    }

    /**
     * Deletes the log at {@code file} if it exists, durably: when this returns, the deletion
     * survives a crash (the implementation fsyncs the directory where the file system needs it).
     * A memtable set calls it when a flushed table's log is no longer needed, so the log
     * implementation owns both ends of a log file's life, durable creation ({@link #create}) and
     * durable deletion. The log must not be open.
     *
     * <p>The default throws {@link UnsupportedOperationException}: the api does no file I/O, so it
     * has no honest way to delete durably. Every implementation that a
     * {@code MemTableSet} may use must override it.
     *
     * @throws IOException if the file could not be deleted, or the deletion not made durable
     * @throws UnsupportedOperationException if the implementation cannot delete logs (the
     *     default)
     * @throws NullPointerException if {@code file} is null
     */
    default void delete(Path file) throws IOException {
        java.util.Objects.requireNonNull(file, "file");
        throw new UnsupportedOperationException("write-ahead log implementation " + name()
                + " cannot delete logs durably (it does not implement WalProvider.delete), so it"
                + " cannot delete " + file);
    }
}
