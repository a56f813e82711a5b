package dev.memtable.store;

/**
 * A picture of a {@link Store} at one moment ({@link Store#stats()}), for tools and health
 * checks. The parts are read one after another, so under concurrent writes they may be from
 * slightly different moments.
 *
 * @param memtables the memtables held: the mutable one plus the frozen ones waiting to be flushed
 * @param memtableBytes their {@linkplain dev.memtable.MemTable#approximateSize() approximate
 *     sizes}, summed
 * @param runs the live sorted runs
 * @param runBytes the runs' file sizes, summed
 * @param runEntries the versions (entries) the runs hold, summed
 * @param flushes memtables written to runs since the store opened
 * @param compactions merges of runs since the store opened
 * @param lastSequence the newest published sequence
 * @param cache the block cache's statistics
 */
public record StoreStats(int memtables, long memtableBytes, int runs, long runBytes,
                         long runEntries, long flushes, long compactions, long lastSequence,
                         BlockCacheStats cache) {
}
