package dev.memtable.arena;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Append-only memory for one skip list: a table of {@code byte[]} chunks filled by two lock-free
 * bump allocators, one for nodes and one for value bytes. Memory is never freed or reused while
 * the arena is reachable, so every byte range handed out is written once, by its allocating
 * thread, before its address is published, and may be shared forever after.
 *
 * <h2>Why two regions</h2>
 * Searches touch nodes (tower and key) and never value bytes. Keeping values out of the node
 * chunks packs the nodes of a million 16-byte keys into about 34 MB instead of 134 MB, so far
 * more of the search path stays in the CPU caches and the TLB.
 *
 * <h2>Addresses</h2>
 * A node address is an {@code int}: {@code chunkIndex << 19 | byteOffset >>> 3}; nodes are
 * 8-byte aligned, so 19 offset bits cover a chunk of up to 4 MiB and 13 index bits up to
 * {@value #MAX_CHUNKS} chunks. Chunk index 0 is never used, so the address 0 ({@link #NIL}) means
 * "none". A value is located by a {@code long} position, {@code chunkIndex << 22 | byteOffset}
 * (values are byte-aligned). An allocation over a quarter of the largest chunk gets a dedicated
 * chunk of its own, which may be larger than 4 MiB: only its start needs an address.
 *
 * <h2>Thread safety</h2>
 * Allocation may be called by any number of threads: the common case is one {@code getAndAdd} on
 * the current chunk's bump pointer; adding a chunk is serialised by the arena's monitor. A chunk
 * is stored in the chunk table before it is published (by the volatile {@code current} field of
 * its region, or, for a dedicated chunk, by returning its address to the allocating thread), so a
 * thread that learned an address through a happens-before chain from the allocating thread (for
 * the skip list: a volatile load of a link or value word) finds the chunk in {@link #chunk}.
 */
final class Arena {

    /** The node address of nothing. */
    static final int NIL = 0;
    /** Bits of a node address that hold the offset within a chunk, in 8-byte units. */
    static final int NODE_OFFSET_BITS = 19;
    /** Bits of a value position that hold the byte offset within a chunk. */
    static final int VALUE_OFFSET_BITS = 22;
    /** The most chunks an arena may hold, the unused index 0 included. */
    static final int MAX_CHUNKS = 1 << (32 - NODE_OFFSET_BITS);
    /** The largest regular chunk, in bytes: 4 MiB less room for the array header. */
    static final int MAX_CHUNK_BYTES = (4 << 20) - 64;
    /** The first chunk of each region: small, so that an empty table costs little. */
    static final int FIRST_CHUNK_BYTES = (32 << 10) - 64;

    /** Plain, volatile and compare-and-set access to 4-byte-aligned {@code int}s in a chunk. */
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.nativeOrder());
    /** Plain and volatile access to 8-byte-aligned {@code long}s in a chunk. */
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.nativeOrder());

    /**
     * Where allocation starts in every chunk: the first index whose memory address is 8-byte
     * aligned (0 on HotSpot, whose {@code byte[]} data starts 8-byte aligned). The atomic modes of
     * {@link #INT} and {@link #LONG} check the real address, not the index.
     */
    static final int FIRST_OFFSET = (-ByteBuffer.wrap(new byte[Long.BYTES])
            .alignmentOffset(0, Long.BYTES)) & (Long.BYTES - 1);

    private static final int NODE_OFFSET_MASK = (1 << NODE_OFFSET_BITS) - 1;
    private static final int VALUE_OFFSET_MASK = (1 << VALUE_OFFSET_BITS) - 1;
    private static final VarHandle TOP;

    static {
        try {
            TOP = MethodHandles.lookup().findVarHandle(Chunk.class, "top", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Every chunk by index; an element is written once, before any address in it exists. Read
     * directly by the skip list's search.
     */
    final byte[][] chunks;
    private final int maxChunkBytes;
    private final int dedicatedThreshold;
    private final String owner;
    private final Region nodes;
    private final Region values;

    /** Indices handed out so far (the unused 0 included); guarded by {@code this}. */
    private int chunkCount = 1;
    /** Bytes held by chunks; guarded by {@code this}. */
    private long reservedBytes;

    /**
     * An arena with the production chunk sizes.
     *
     * @param owner names the table in messages, e.g. {@code "memtable 7"}
     */
    Arena(String owner) {
        this(owner, FIRST_CHUNK_BYTES, MAX_CHUNK_BYTES, MAX_CHUNKS);
    }

    /**
     * An arena with the given sizes (tests shrink them to reach the edges quickly). Allocates
     * the first chunk of each region.
     *
     * @param owner names the table in messages, e.g. {@code "memtable 7"}
     * @param firstChunkBytes the size of each region's first chunk; later ones double up to the
     *     maximum
     * @param maxChunkBytes the largest regular chunk, at most {@link #MAX_CHUNK_BYTES}; an
     *     allocation over a quarter of it gets a dedicated chunk
     * @param maxChunks how many chunk indices may be used (index 0 included), at most
     *     {@link #MAX_CHUNKS}
     * @throws IllegalArgumentException if the sizes are out of range or inconsistent
     */
    Arena(String owner, int firstChunkBytes, int maxChunkBytes, int maxChunks) {
        if (maxChunkBytes > MAX_CHUNK_BYTES || firstChunkBytes > maxChunkBytes
                || firstChunkBytes < 256 || maxChunks < 3 || maxChunks > MAX_CHUNKS) {
            throw new IllegalArgumentException("bad arena geometry: first chunk " + firstChunkBytes
                    + ", max chunk " + maxChunkBytes + ", max chunks " + maxChunks);
        }
        this.owner = owner;
        this.chunks = new byte[maxChunks][];
        this.maxChunkBytes = maxChunkBytes;
        this.dedicatedThreshold = maxChunkBytes / 4;
        this.nodes = new Region(firstChunkBytes);
        this.values = new Region(firstChunkBytes);
    }

    // ------------------------------------------------------------------ nodes

    /**
     * Reserves {@code size} bytes (a positive multiple of 8) for a node and returns the node's
     * address. The bytes are zero and belong to the caller until it publishes the address.
     *
     * @throws IllegalStateException if the arena is full
     */
    int allocateNode(int size) {
        long at = nodes.allocate(size);
        return (int) (at >>> 32) << NODE_OFFSET_BITS | (int) at >>> 3;
    }

    /** Returns the chunk that holds the node at {@code address}. */
    byte[] chunk(int address) {
        return chunks[address >>> NODE_OFFSET_BITS];
    }

    /** Returns the byte offset of the node at {@code address} within its chunk. */
    static int offset(int address) {
        return (address & NODE_OFFSET_MASK) << 3;
    }

    /** Rounds {@code bytes} up to the node granule, 8. */
    static int alignNode(int bytes) {
        return (bytes + 7) & ~7;
    }

    // ------------------------------------------------------------------ values

    /**
     * Reserves {@code length} (positive) bytes for a value and returns their position,
     * {@code chunkIndex << 22 | byteOffset}. The bytes are zero and belong to the caller until it
     * publishes the position.
     *
     * @throws IllegalStateException if the arena is full
     */
    long allocateValue(int length) {
        long at = values.allocate(length);
        return (at >>> 32) << VALUE_OFFSET_BITS | (int) at;
    }

    /** Returns the chunk of a value position. */
    byte[] valueChunk(long position) {
        return chunks[(int) (position >>> VALUE_OFFSET_BITS)];
    }

    /** Returns the byte offset of a value position within its chunk. */
    static int valueOffset(long position) {
        return (int) position & VALUE_OFFSET_MASK;
    }

    // ------------------------------------------------------------------ accounting

    /** Returns the bytes held by the arena's chunks, used or not. */
    synchronized long reservedBytes() {
        return reservedBytes;
    }

    /** Returns how many chunks the arena holds. */
    synchronized int chunkCount() {
        return chunkCount - 1;
    }

    /**
     * Creates and registers a chunk of {@code bytes} bytes; returns its index.
     *
     * @throws IllegalStateException if every index is in use
     */
    private synchronized int newChunk(int bytes) {
        if (chunkCount == chunks.length) {
            throw new IllegalStateException(owner + " is full: its arena holds "
                    + (chunkCount - 1) + " chunks (" + reservedBytes
                    + " bytes), all it can address; freeze it and write to a new table");
        }
        int index = chunkCount;
        chunks[index] = new byte[bytes];
        chunkCount = index + 1;
        reservedBytes += bytes;
        return index;
    }

    /**
     * A bump allocator over a sequence of chunks. {@link #allocate} returns
     * {@code chunkIndex << 32 | byteOffset}.
     */
    private final class Region {
        /** The chunk that allocations are bumped from. */
        private volatile Chunk current;

        Region(int firstChunkBytes) {
            current = new Chunk(firstChunkBytes, newChunk(firstChunkBytes));
        }

        long allocate(int size) {
            if (size > dedicatedThreshold) {
                return (long) newChunk(FIRST_OFFSET + size) << 32 | FIRST_OFFSET;
            }
            while (true) {
                Chunk c = current;
                long at = (long) TOP.getAndAdd(c, (long) size);
                if (at + size <= c.length) {
                    return (long) c.index << 32 | at;
                }
                replaceFull(c, size);
            }
        }

        private void replaceFull(Chunk full, int size) {
            synchronized (Arena.this) {
                if (current != full) {
                    return; // another thread already replaced it
                }
                int bytes = doubled(full.length);
                while (bytes - FIRST_OFFSET < size) {
                    bytes = doubled(bytes); // ends: size <= maxChunkBytes / 4
                }
                current = new Chunk(bytes, newChunk(bytes));
            }
        }

        /** The next chunk size: twice the array with its header, capped at the maximum. */
        private int doubled(int bytes) {
            return Math.min(maxChunkBytes, (bytes + 64) * 2 - 64);
        }
    }

    /** A regular chunk's index, length and bump pointer. */
    private static final class Chunk {
        final int length;
        final int index;
        /** The next free offset; runs past the end when allocations fail. */
        @SuppressWarnings("unused") // accessed through TOP
        volatile long top = FIRST_OFFSET;

        Chunk(int length, int index) {
            this.length = length;
            this.index = index;
        }
    }
}
