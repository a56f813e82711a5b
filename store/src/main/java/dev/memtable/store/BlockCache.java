package dev.memtable.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One Caffeine cache of verified data blocks shared by every open {@link Run} of a store, keyed
 * by (run id, block offset), bounded in bytes ({@code maximumWeight} with a weigher of the block's
 * length plus {@link #ENTRY_OVERHEAD}), recording hits, misses and evictions. Capacity 0 turns it
 * off: every block read goes to the file and counts as a miss.
 *
 * <p>A block enters the cache only after {@link Block#decode} checked it, so the cache never
 * holds damaged bytes. A run id must name one file for the life of the cache (the store never
 * reuses an id); {@link Run#close()} drops its blocks through {@link #invalidate}.
 *
 * <p><b>Loading.</b> A miss reads the block in the calling thread <em>outside</em> any cache lock
 * ({@code getIfPresent}, then {@code put}), so slow I/O never blocks readers of other keys that
 * share a hash bin. Two threads missing the same block at once may both read it; the bytes are
 * the same and the second put replaces the first.
 *
 * <p>Thread-safe. Eviction is done by Caffeine's maintenance, which may lag a moment behind a
 * {@code put}; {@link #cleanUp()} runs it now.
 */
final class BlockCache {

    /**
     * What a cached block costs beyond its bytes, counted in its weight: the key, the
     * {@link Block} and its {@code Bytes}, the array header and Caffeine's node, rounded up.
     */
    static final int ENTRY_OVERHEAD = 128;

    /** Where a cache miss gets a block from: an open run. */
    interface BlockSource {
        /** The id the source's blocks are cached under. */
        long runId();

        /** The file offset of block {@code index}: its key in the cache. */
        long blockOffset(int index);

        /**
         * Reads and checks block {@code index} from the file.
         *
         * @throws IOException if it cannot be read, or {@link StoreCorruptionException} if it is
         *     damaged
         */
        Block readBlock(int index) throws IOException;

        /** True once the source is closed (a block read then must not stay in the cache). */
        boolean isClosed();
    }

    /** The key of a cached block. */
    private record Key(long runId, long offset) {
    }

    private final long capacityBytes;
    /** Null when the capacity is 0. */
    private final Cache<Key, Block> cache;
    /** Misses when there is no cache. */
    private final LongAdder uncachedMisses = new LongAdder();

    /**
     * @param capacityBytes the bound on cached block bytes (overhead included); 0 caches nothing
     * @throws IllegalArgumentException if {@code capacityBytes} is negative
     */
    BlockCache(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("capacityBytes must not be negative, got "
                    + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        this.cache = capacityBytes == 0 ? null : Caffeine.newBuilder()
                .maximumWeight(capacityBytes)
                .weigher((Key k, Block b) -> b.length() + ENTRY_OVERHEAD)
                .recordStats()
                .build();
    }

    /**
     * Returns block {@code index} of {@code source}: from the cache, or read from the file (and
     * then cached).
     *
     * @throws IOException if the read fails, or {@link StoreCorruptionException} if the block is
     *     damaged (nothing is cached then)
     */
    Block block(BlockSource source, int index) throws IOException {
        if (cache == null) {
            uncachedMisses.increment();
            return source.readBlock(index);
        }
        Key key = new Key(source.runId(), source.blockOffset(index));
        Block block = cache.getIfPresent(key);
        if (block == null) {
            block = source.readBlock(index);
            cache.put(key, block);
            if (source.isClosed()) {
                cache.invalidate(key); // closed while we read: do not outlive its invalidation
            }
        }
        return block;
    }

    /** Drops the blocks at {@code offsets} of run {@code runId} from the cache. */
    void invalidate(long runId, long[] offsets) {
        if (cache == null || offsets.length == 0) {
            return;
        }
        List<Key> keys = new ArrayList<>(offsets.length);
        for (long offset : offsets) {
            keys.add(new Key(runId, offset));
        }
        cache.invalidateAll(keys);
    }

    /** Runs pending maintenance (evictions) now. */
    void cleanUp() {
        if (cache != null) {
            cache.cleanUp();
        }
    }

    /** The number of blocks cached now (approximate, as Caffeine's estimatedSize). */
    long blockCount() {
        return cache == null ? 0 : cache.estimatedSize();
    }

    /** The bound on cached bytes given at construction. */
    long capacityBytes() {
        return capacityBytes;
    }

    /**
     * The statistics since this cache was created: hits, misses, size evictions (invalidations
     * are not evictions), the weight held now and the capacity. Thread-safe; the figures are
     * read one after another.
     */
    BlockCacheStats stats() {
        if (cache == null) {
            return new BlockCacheStats(0, uncachedMisses.sum(), 0, 0, 0);
        }
        CacheStats s = cache.stats();
        long weight = cache.policy().eviction().map(Policy.Eviction::weightedSize)
                .map(w -> w.orElse(0)).orElse(0L);
        return new BlockCacheStats(s.hitCount(), s.missCount(), s.evictionCount(), weight,
                capacityBytes);
    }

    @Override
    public String toString() {
        return "BlockCache[" + stats() + "]";
    }
}
