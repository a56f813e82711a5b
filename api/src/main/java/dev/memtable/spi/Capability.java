package dev.memtable.spi;

/**
 * Optional abilities a backend declares through {@link MemTableProvider#capabilities()}. The
 * conformance kit runs the rules of a capability only for backends that declare it, and reports
 * the others as skipped with the reason; a memtable set adapts to what is missing.
 */
public enum Capability {
    /**
     * {@link MemTableProvider#createWithWal} and {@link MemTableProvider#recoverFromWal} work:
     * tables can be made durable through a write-ahead log.
     */
    WAL,
    /**
     * Any number of threads may write to one table at once. Without it, callers must serialise
     * writes (reads may still run concurrently with one writer).
     */
    CONCURRENT_WRITES
}
