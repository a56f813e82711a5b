package dev.memtable.store;

/**
 * What the block cache has done since the store opened ({@link Store#cacheStats()}).
 *
 * @param hits block reads answered from the cache
 * @param misses block reads that went to a file (and then entered the cache)
 * @param evictions blocks evicted to stay within the capacity
 * @param weightBytes bytes of blocks held now
 * @param capacityBytes the capacity ({@link StoreOptions#blockCacheBytes()})
 */
public record BlockCacheStats(long hits, long misses, long evictions, long weightBytes,
                              long capacityBytes) {

    /** Hits over block reads; 0 before the first read (and always, with the cache off). */
    public double hitRate() {
        long reads = hits + misses;
        return reads == 0 ? 0 : (double) hits / reads;
    }
}
