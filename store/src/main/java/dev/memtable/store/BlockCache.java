package dev.memtable.store;

/**
 * STUB (the run-format work replaces this): one Caffeine cache of data blocks shared by every
 * open {@link Run} of a store, bounded in bytes by a weigher, recording hit and miss statistics.
 */
final class BlockCache {

    /** @param capacityBytes the bound on cached block bytes; 0 caches nothing */
    BlockCache(long capacityBytes) {
        throw new UnsupportedOperationException("stub");
    }

    /** The statistics since this cache was created. */
    BlockCacheStats stats() {
        throw new UnsupportedOperationException("stub");
    }
}
