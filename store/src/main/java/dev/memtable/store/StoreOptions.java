package dev.memtable.store;

import dev.memtable.MemTables;
import dev.memtable.RecoveryMode;
import dev.memtable.SyncPolicy;
import dev.memtable.WalCorruption;
import dev.memtable.WalOptions;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The settings of a {@link Store}: an immutable value; every {@code with...} method checks its
 * argument at once and returns a copy with one setting changed (a rejected call throws and
 * changes nothing). Start from {@link #defaults()}. Thread-safe.
 *
 * <pre>{@code
 * Store.open(dir, StoreOptions.defaults()
 *         .withBackend("arena")
 *         .withFreezeAtBytes(16 << 20)
 *         .withBlockCacheBytes(256L << 20)
 *         .withSyncPolicy(SyncPolicy.EVERY_WRITE));
 * }</pre>
 */
public final class StoreOptions {

    /** The default {@link #freezeAtBytes()}: 64 MiB, RocksDB's write buffer size. */
    public static final long DEFAULT_FREEZE_AT_BYTES = 64L << 20;
    /** The default {@link #blockCacheBytes()}: 64 MiB. */
    public static final long DEFAULT_BLOCK_CACHE_BYTES = 64L << 20;
    /** The default {@link #blockSize()}: 4 KiB of entries per data block, as RocksDB's. */
    public static final int DEFAULT_BLOCK_SIZE = 4096;
    /** The default {@link #bloomBitsPerKey()}: 10, about a 1 % false-positive rate. */
    public static final int DEFAULT_BLOOM_BITS_PER_KEY = 10;
    /** The default {@link #maxRuns()}: a flush that leaves 8 runs merges them into one. */
    public static final int DEFAULT_MAX_RUNS = 8;
    /** The default {@link #maxImmutables()}: 4 frozen tables waiting for the flush. */
    public static final int DEFAULT_MAX_IMMUTABLES = 4;

    /** The largest {@link #blockSize()}: 1 MiB. */
    public static final int MAX_BLOCK_SIZE = 1 << 20;

    private static final StoreOptions DEFAULTS = new StoreOptions(null, DEFAULT_FREEZE_AT_BYTES,
            DEFAULT_BLOCK_CACHE_BYTES, SyncPolicy.EXPLICIT, DEFAULT_BLOCK_SIZE,
            DEFAULT_BLOOM_BITS_PER_KEY, DEFAULT_MAX_RUNS, DEFAULT_MAX_IMMUTABLES,
            WalOptions.defaults());

    private final String backend;
    private final long freezeAtBytes;
    private final long blockCacheBytes;
    private final SyncPolicy syncPolicy;
    private final int blockSize;
    private final int bloomBitsPerKey;
    private final int maxRuns;
    private final int maxImmutables;
    /** The logs' recovery mode and corruption listener (its sync policy is not used). */
    private final WalOptions recovery;

    private StoreOptions(String backend, long freezeAtBytes, long blockCacheBytes,
                         SyncPolicy syncPolicy, int blockSize, int bloomBitsPerKey, int maxRuns,
                         int maxImmutables, WalOptions recovery) {
        this.backend = backend;
        this.freezeAtBytes = freezeAtBytes;
        this.blockCacheBytes = blockCacheBytes;
        this.syncPolicy = syncPolicy;
        this.blockSize = blockSize;
        this.bloomBitsPerKey = bloomBitsPerKey;
        this.maxRuns = maxRuns;
        this.maxImmutables = maxImmutables;
        this.recovery = recovery;
    }

    /**
     * Returns the defaults: the default backend ({@link MemTables#defaultProvider()}), 64 MiB
     * memtables, a 64 MiB block cache, {@link SyncPolicy#EXPLICIT}, 4 KiB blocks, 10 bloom bits
     * per key, a merge at 8 runs, at most 4 frozen tables.
     */
    public static StoreOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The memtable backend, by its provider name ({@code "skiplist"}, {@code "treemap"},
     * {@code "arena"} or any other on the module or class path); checked when the store opens,
     * which throws {@link IllegalArgumentException} naming the backends it found if there is
     * none of that name. Default: {@link MemTables#defaultProvider()}.
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public StoreOptions withBackend(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("backend name is blank");
        }
        return new StoreOptions(name, freezeAtBytes, blockCacheBytes, syncPolicy, blockSize,
                bloomBitsPerKey, maxRuns, maxImmutables, recovery);
    }

    /**
     * The size at which the mutable memtable is frozen and queued for the flush
     * ({@link dev.memtable.set.MemTableSet.Builder#freezeAtBytes(long)}). Default
     * {@link #DEFAULT_FREEZE_AT_BYTES}.
     *
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public StoreOptions withFreezeAtBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("freezeAtBytes must be positive, got " + bytes);
        }
        return new StoreOptions(backend, bytes, blockCacheBytes, syncPolicy, blockSize,
                bloomBitsPerKey, maxRuns, maxImmutables, recovery);
    }

    /**
     * The capacity of the block cache shared by every run of the store, in bytes of block data.
     * 0 turns the cache off (every block read goes to the file). Default
     * {@link #DEFAULT_BLOCK_CACHE_BYTES}.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public StoreOptions withBlockCacheBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("blockCacheBytes must not be negative, got "
                    + bytes);
        }
        return new StoreOptions(backend, freezeAtBytes, bytes, syncPolicy, blockSize,
                bloomBitsPerKey, maxRuns, maxImmutables, recovery);
    }

    /**
     * When a write is durable when it returns: the memtables' log policy (README's table).
     * Default {@link SyncPolicy#EXPLICIT}: a returned write survives a crash of the process,
     * and a power loss once {@link Store#sync()} returned.
     *
     * @throws NullPointerException if {@code policy} is null
     */
    public StoreOptions withSyncPolicy(SyncPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return new StoreOptions(backend, freezeAtBytes, blockCacheBytes, policy, blockSize,
                bloomBitsPerKey, maxRuns, maxImmutables, recovery);
    }

    /**
     * The target size of a run's data block, in bytes of encoded entries (a block holds at least
     * one entry, so a larger entry makes a larger block). Default {@link #DEFAULT_BLOCK_SIZE}.
     *
     * @throws IllegalArgumentException if {@code bytes} is below 256 or above
     *     {@link #MAX_BLOCK_SIZE}
     */
    public StoreOptions withBlockSize(int bytes) {
        if (bytes < 256 || bytes > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("blockSize must be in [256, " + MAX_BLOCK_SIZE
                    + "], got " + bytes);
        }
        return new StoreOptions(backend, freezeAtBytes, blockCacheBytes, syncPolicy, bytes,
                bloomBitsPerKey, maxRuns, maxImmutables, recovery);
    }

    /**
     * Bloom filter bits per key of each run; 0 writes no filter (every point read then searches
     * the index). Default {@link #DEFAULT_BLOOM_BITS_PER_KEY}.
     *
     * @throws IllegalArgumentException if {@code bits} is negative or above 32
     */
    public StoreOptions withBloomBitsPerKey(int bits) {
        if (bits < 0 || bits > 32) {
            throw new IllegalArgumentException("bloomBitsPerKey must be in [0, 32], got " + bits);
        }
        return new StoreOptions(backend, freezeAtBytes, blockCacheBytes, syncPolicy, blockSize,
                bits, maxRuns, maxImmutables, recovery);
    }

    /**
     * The number of runs at which a flush merges every run into one (a full merge, as
     * {@link Store#compact()}). Default {@link #DEFAULT_MAX_RUNS}.
     *
     * @throws IllegalArgumentException if {@code count} is below 2
     */
    public StoreOptions withMaxRuns(int count) {
        if (count < 2) {
            throw new IllegalArgumentException("maxRuns must be at least 2, got " + count);
        }
        return new StoreOptions(backend, freezeAtBytes, blockCacheBytes, syncPolicy, blockSize,
                bloomBitsPerKey, count, maxImmutables, recovery);
    }

    /**
     * The most frozen tables waiting for the flush; a write that needs another freeze then
     * stalls until the flush catches up ({@link dev.memtable.set.MemTableSet.Builder#maxImmutables}).
     * Default {@link #DEFAULT_MAX_IMMUTABLES}.
     *
     * @throws IllegalArgumentException if {@code count} is below 1
     */
    public StoreOptions withMaxImmutables(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("maxImmutables must be at least 1, got " + count);
        }
        return new StoreOptions(backend, freezeAtBytes, blockCacheBytes, syncPolicy, blockSize,
                bloomBitsPerKey, maxRuns, count, recovery);
    }

    /**
     * How the memtables' logs are read back when the store opens
     * ({@link WalOptions#recoveryMode()}): {@link RecoveryMode#TOLERATE_TORN_TAIL} (the default)
     * drops a torn tail, the trace of a crash mid-write, and refuses other damage;
     * {@link RecoveryMode#STRICT} refuses any damage; {@link RecoveryMode#SALVAGE} skips damaged
     * regions and keeps every intact record (the writes in a damaged region are lost). A refused
     * log makes {@link Store#open} throw {@link dev.memtable.WalCorruptionException} naming the
     * file and offset. A salvaged table is flushed like any other, and its log then deleted.
     *
     * @throws NullPointerException if {@code mode} is null
     */
    public StoreOptions withRecoveryMode(RecoveryMode mode) {
        Objects.requireNonNull(mode, "mode");
        return new StoreOptions(backend, freezeAtBytes, blockCacheBytes, syncPolicy, blockSize,
                bloomBitsPerKey, maxRuns, maxImmutables, recovery.withRecoveryMode(mode));
    }

    /**
     * Told of every damaged region that recovery dropped or skipped when the store opens
     * ({@link WalOptions#corruptionListener()}), so a tool can warn. Default: nobody is told.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public StoreOptions withCorruptionListener(Consumer<WalCorruption> listener) {
        Objects.requireNonNull(listener, "listener");
        return new StoreOptions(backend, freezeAtBytes, blockCacheBytes, syncPolicy, blockSize,
                bloomBitsPerKey, maxRuns, maxImmutables, recovery.withCorruptionListener(listener));
    }

    /** See {@link #withRecoveryMode(RecoveryMode)}. */
    public RecoveryMode recoveryMode() {
        return recovery.recoveryMode();
    }

    /**
     * The options of the memtables' logs: {@link #syncPolicy()}, {@link #recoveryMode()} and the
     * corruption listener.
     */
    public WalOptions walOptions() {
        return recovery.withSyncPolicy(syncPolicy);
    }

    /** The backend name, or null for {@link MemTables#defaultProvider()}. */
    public String backend() {
        return backend;
    }

    /** See {@link #withFreezeAtBytes(long)}. */
    public long freezeAtBytes() {
        return freezeAtBytes;
    }

    /** See {@link #withBlockCacheBytes(long)}. */
    public long blockCacheBytes() {
        return blockCacheBytes;
    }

    /** See {@link #withSyncPolicy(SyncPolicy)}. */
    public SyncPolicy syncPolicy() {
        return syncPolicy;
    }

    /** See {@link #withBlockSize(int)}. */
    public int blockSize() {
        return blockSize;
    }

    /** See {@link #withBloomBitsPerKey(int)}. */
    public int bloomBitsPerKey() {
        return bloomBitsPerKey;
    }

    /** See {@link #withMaxRuns(int)}. */
    public int maxRuns() {
        return maxRuns;
    }

    /** See {@link #withMaxImmutables(int)}. */
    public int maxImmutables() {
        return maxImmutables;
    }

    @Override
    public String toString() {
        return "StoreOptions[backend=" + (backend == null ? "(default)" : backend)
                + ", freezeAtBytes=" + freezeAtBytes + ", blockCacheBytes=" + blockCacheBytes
                + ", syncPolicy=" + syncPolicy + ", blockSize=" + blockSize
                + ", bloomBitsPerKey=" + bloomBitsPerKey + ", maxRuns=" + maxRuns
                + ", maxImmutables=" + maxImmutables + ", recoveryMode="
                + recovery.recoveryMode() + "]";
    }
}
