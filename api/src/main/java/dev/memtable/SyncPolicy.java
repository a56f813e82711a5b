package dev.memtable;

/** When a table with a write-ahead log makes writes durable. */
public enum SyncPolicy {
    /**
     * A write returns once its record is appended to the log (in the operating system's cache);
     * it becomes durable at the next {@link MemTable#syncWal()}. Fastest; a crash of the machine
     * (not of the process alone) may lose the writes since the last sync.
     */
    EXPLICIT,
    /**
     * A write returns only once its record is on stable storage. Concurrent writers share fsyncs
     * (group commit), so throughput grows with the number of writing threads.
     */
    EVERY_WRITE
}
