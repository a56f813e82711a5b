package dev.memtable;

/**
 * When a table with a write-ahead log makes writes durable, and what survives a crash.
 *
 * <p>Two kinds of crash are distinguished below. A <em>process crash</em> ends the JVM (a
 * {@code kill -9}, an abort, an uncaught error) while the operating system keeps running: bytes
 * handed to the operating system with a {@code write} system call survive it, bytes still in the
 * JVM's memory do not. A <em>power loss</em> (or an operating-system crash) loses everything not
 * yet on stable storage, that is everything written after the last fsync of the log; bytes
 * written but not fsynced may survive in part and in any order.
 *
 * <p>Under every policy: a write is <em>acknowledged</em> when its {@code put}, {@code delete} or
 * {@code write} returns normally; {@link MemTable#syncWal()} returns only once every write
 * acknowledged before the call is on stable storage, so it survives a power loss; closing or
 * sealing a table syncs its log the same way; a batch is recovered wholly or not at all; and what
 * recovery replays is the log's records in the order the log took them, never a damaged record.
 * A write that failed (threw) is not in the table, but its record may or may not be in the log.
 *
 * <p>Concerning what recovery gets back after a crash, for each policy:
 *
 * <table class="striped">
 *   <caption>What an acknowledged write survives</caption>
 *   <thead><tr><th>policy</th><th>process crash</th><th>power loss</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@link #EXPLICIT}</td><td>every acknowledged write</td>
 *         <td>every write acknowledged before the last completed {@code syncWal()}</td></tr>
 *     <tr><td>{@link #EVERY_WRITE}</td><td>every acknowledged write</td>
 *         <td>every acknowledged write</td></tr>
 *     <tr><td>{@link #BUFFERED}</td>
 *         <td>every write acknowledged before the last completed {@code syncWal()}, and a
 *             prefix (in log order) of the writes acknowledged after it</td>
 *         <td>every write acknowledged before the last completed {@code syncWal()}</td></tr>
 *   </tbody>
 * </table>
 */
public enum SyncPolicy {
    /**
     * The default. A write returns once its record is written to the log file (handed to the
     * operating system with a {@code write} system call, so it is in the operating system's
     * cache): an acknowledged write survives a crash of the process. It becomes durable (survives
     * a power loss) at the next {@link MemTable#syncWal()}; a power loss may lose the writes
     * acknowledged since the last completed sync. Each write costs one system call.
     */
    EXPLICIT,
    /**
     * A write returns only once its record is on stable storage (written and fsynced): an
     * acknowledged write survives a process crash and a power loss. Concurrent writers share
     * writes and fsyncs (group commit): their records are gathered in memory, one thread writes
     * the whole group with one {@code write} and one fsync, and each writer is released when an
     * fsync covers its record, so throughput grows with the number of writing threads.
     */
    EVERY_WRITE,
    /**
     * Opt-in, for the fastest unsynced writes: a write returns once its record is in the log's
     * in-memory buffer (256 KiB in the {@code dev.memtable.wal} implementation), which reaches
     * the file in one large {@code write} when it is full, and at {@link MemTable#syncWal()},
     * at {@link MemTable#seal()} (so when a memtable set freezes the table) and at
     * {@link MemTable#close()}. Nothing writes it out in the background: an engine that wants a
     * bounded loss window calls {@code syncWal()} on its own schedule (as RocksDB's
     * {@code manual_wal_flush} asks the application to call {@code FlushWAL}).
     *
     * <p>What survives: after {@code syncWal()} returns, every write acknowledged before the call
     * survives a process crash and a power loss. A process crash loses the writes still in the
     * buffer (at most a buffer's worth, acknowledged since the last write-out); the writes it
     * keeps are a prefix, in log order, of those acknowledged: never a hole, never a torn record
     * read as data (a record cut by the crash is dropped as a torn tail by recovery). A power loss
     * may lose everything since the last completed {@code syncWal()}, as under {@link #EXPLICIT}.
     * A failed write-out fails the log as a failed fsync does: the records of that buffer, already
     * acknowledged, may or may not be in the file, and every later write and sync throws.
     */
    BUFFERED
}
