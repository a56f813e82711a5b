package dev.memtable.arena;

import static dev.memtable.arena.Arena.INT;
import static dev.memtable.arena.Arena.LONG;
import static dev.memtable.arena.Arena.NIL;

import dev.memtable.Bytes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An insert-only, lock-free skip list of <em>versions</em> whose nodes, keys and values live in an
 * {@link Arena}. A node is one version {@code (key, sequence, value)}; nodes are ordered by the
 * internal key {@code (key ascending, sequence descending)}, so the versions of a key are adjacent,
 * newest first, and the version of a key visible at a read sequence {@code s} is the first node at
 * or after {@code (key, s)}. The layout and the memory-ordering argument are in the package
 * documentation; in short: a node is written with plain stores, then linked by a volatile
 * compare-and-set at level 0 and afterwards at each upper level; every load of a link or of a
 * value word is a volatile load; keys, sequences and value bytes are never written again once
 * their address is published.
 *
 * <p>Thread-safe: any number of threads may call every method at once.
 */
final class ArenaSkipList {

    /** The tallest tower. With branching 1/4, 20 levels index far more nodes than fit. */
    static final int MAX_HEIGHT = 20;

    // Node layout, byte offsets from the node's (8-byte aligned) address.
    /** long: the value word (see {@link #newValue}), or {@link #TOMBSTONE}; volatile. */
    private static final int VALUE = 0;
    /**
     * long: the version's sequence, 1 .. {@code MemTable.MAX_SEQUENCE} (immutable), and in bit
     * 63 the {@link #SUPERSEDED} flag (set once, never cleared; volatile).
     */
    private static final int SEQUENCE = 8;
    /**
     * The flag in a node's sequence word saying that a newer version of its key is linked, or
     * about to be: set on a version before any newer version of its key is published. A read
     * that meets a version without it, at or below its read sequence, has found the key's newest
     * version and stops there.
     */
    static final long SUPERSEDED = Long.MIN_VALUE;
    /** The sequence bits of a sequence word. */
    private static final long SEQUENCE_MASK = ~SUPERSEDED;
    /** int: key length (low 16 bits) | tower height (high 16 bits); immutable. */
    private static final int META = 16;
    /** int[height]: the tower, next node at each level; volatile, updated by CAS. */
    private static final int TOWER = 20;
    /**
     * A probe sequence that sorts before every version of its key (reads at it see the newest):
     * above every sequence a node can hold.
     */
    static final long NEWEST = Long.MAX_VALUE;
    /** A probe sequence that sorts after every version of its key: below every node's sequence. */
    static final long PAST_OLDEST = 0;
    /** Value word of a tombstone: no bytes are allocated for the empty value. */
    static final long TOMBSTONE = 0;
    /** Where the length sits in a value word: above the 13-bit chunk and 22-bit offset. */
    private static final int VALUE_LENGTH_SHIFT = 35;

    /** Probe buffers up to this size are kept per thread; longer keys get a fresh array. */
    private static final int KEPT_PROBE_BYTES = 1024;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    private static final VarHandle HEIGHT;

    static {
        try {
            HEIGHT = MethodHandles.lookup().findVarHandle(ArenaSkipList.class, "height", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Unaligned big-endian {@code long}s (plain mode only): 8-byte key prefixes. */
    private static final VarHandle BIG_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);

    private final Arena arena;
    /** The head sentinel: a full-height node with no key, smaller than every key. */
    private final int head;
    private final byte[] headChunk;
    private final int headOffset;
    /** The tallest tower linked so far (or being linked); searches start there. */
    @SuppressWarnings("unused") // accessed through HEIGHT
    private volatile int height = 1;

    ArenaSkipList(Arena arena) {
        this.arena = arena;
        this.head = arena.allocateNode(Arena.alignNode(TOWER + MAX_HEIGHT * Integer.BYTES));
        this.headChunk = arena.chunk(head);
        this.headOffset = Arena.offset(head);
        INT.set(headChunk, headOffset + META, MAX_HEIGHT << 16);
        // The value and tower are already zero (TOMBSTONE, NIL); the constructor's caller
        // publishes this list safely (a final field of the table, or a volatile one).
    }

    /** Returns the arena (for tests and memory accounting). */
    Arena arena() {
        return arena;
    }

    /** Returns true if no key has been inserted. O(1). */
    boolean isEmpty() {
        return next(head, 0) == NIL;
    }

    /**
     * Adds the version {@code (key, sequence, value)}: inserts a node at its place by
     * {@code (key, sequence descending)}, or, if that exact version is present, copies the value
     * into the arena and stores its word into that node (the old value's bytes stay allocated).
     * An empty value is a tombstone. The key's other versions are untouched, whatever order
     * versions arrive in.
     *
     * @param sequence from 1 to {@code MemTable.MAX_SEQUENCE} (checked by the caller)
     * @throws IllegalStateException if the arena is full (nothing visible changed)
     */
    void put(Bytes key, Bytes value, long sequence) {
        Scratch s = SCRATCH.get();
        s.load(key, sequence);
        int listHeight = (int) HEIGHT.getVolatile(this);
        int equal = findSplice(s, listHeight - 1, 0, head, NIL);
        if (equal != NIL) {
            setValue(equal, newValue(value));
            return;
        }
        int[] prevs = s.prevs;
        int[] nexts = s.nexts;
        int nodeHeight = randomHeight();
        if (nodeHeight > listHeight) {
            // Levels nobody searched: the head is before every key. If another insert links
            // something there first, the CAS below fails and the splice is found again.
            for (int level = listHeight; level < nodeHeight; level++) {
                prevs[level] = head;
                nexts[level] = NIL;
            }
            raiseHeight(nodeHeight);
        }
        int node = newNode(nodeHeight, key, sequence, value);
        byte[] nodeChunk = arena.chunk(node);
        int nodeOffset = Arena.offset(node);
        while (true) {
            INT.set(nodeChunk, nodeOffset + TOWER, nexts[0]);
            // Before the node is published: an older version after it is superseded from now on,
            // and the node itself is if a newer version comes before it (still private: plain).
            if (s.nextSameKey) {
                markSuperseded(nexts[0]);
            }
            if (s.prevSameKey) {
                LONG.set(nodeChunk, nodeOffset + SEQUENCE, sequence | SUPERSEDED);
            }
            if (casNext(prevs[0], 0, nexts[0], node)) {
                break;
            }
            equal = findSplice(s, 0, 0, prevs[0], nexts[0]);
            if (equal != NIL) {
                // Lost a race with an insert of the same version: that node is now in the list.
                // Publish this put's value there; this node (never linked) stays unused.
                setValue(equal, (long) LONG.get(nodeChunk, nodeOffset + VALUE));
                return;
            }
        }
        for (int level = 1; level < nodeHeight; level++) {
            while (true) {
                INT.set(nodeChunk, nodeOffset + TOWER + level * Integer.BYTES, nexts[level]);
                if (casNext(prevs[level], level, nexts[level], node)) {
                    break;
                }
                // No other node with this version can be at any level: it would have been found
                // at level 0, where this node is linked now. So this finds no equal node.
                findSplice(s, level, level, prevs[level], nexts[level]);
            }
        }
    }

    /**
     * Returns the value ({@link Bytes#EMPTY} for a tombstone) of the version of {@code key} with
     * the highest sequence {@code <= sequence}, or null if there is none: the first node at or
     * after {@code (key, sequence)}, if it holds {@code key}. At {@link #NEWEST} that is the
     * key's newest version, found by the same single search as before versions existed (and,
     * as then, the search stops at the first level where it meets the key, unless the version it
     * meets is {@link #SUPERSEDED}). The value shares the chunk; it is never copied.
     */
    Bytes get(Bytes key, long sequence) {
        Scratch s = SCRATCH.get();
        s.loadRead(key, sequence);
        int found = findSplice(s, (int) HEIGHT.getVolatile(this) - 1, 0, head, NIL);
        if (found != NIL) {
            return valueBytes(value(found));
        }
        // nexts[0] is the first node after (key, sequence); findSplice compared it (the bound
        // was NIL), so it knows whether it is an older version of the same key.
        return s.nextSameKey ? valueBytes(value(s.nexts[0])) : null;
    }

    /**
     * Returns the first node whose key is at least {@code key} ({@code inclusive}) or greater
     * than it (its newest version: a key's versions are adjacent, newest first), or
     * {@link Arena#NIL} if there is none.
     */
    int seek(Bytes key, boolean inclusive) {
        return seek(key, inclusive ? NEWEST : PAST_OLDEST);
    }

    /**
     * Returns the first node at or after the internal key {@code (key, sequence)}, or
     * {@link Arena#NIL}: with {@link #NEWEST}, the newest version of the first key
     * {@code >= key}; with {@link #PAST_OLDEST}, the newest version of the first key
     * {@code > key}; otherwise the version of {@code key} visible at {@code sequence} if there is
     * one, else the first node of the next key.
     */
    int seek(Bytes key, long sequence) {
        Scratch s = SCRATCH.get();
        s.loadRead(key, sequence);
        int found = findSplice(s, (int) HEIGHT.getVolatile(this) - 1, 0, head, NIL);
        return found != NIL ? found : s.nexts[0];
    }

    /**
     * The one search of the list, used by {@link #put}, {@link #get}, {@link #seek} and by an
     * insert whose compare-and-set failed (as Pebble's {@code findSplice}). It walks levels
     * {@code top} down to {@code bottom}, starting at node {@code start}, whose internal key must
     * sort before the probe's (the head does), and stores the splice of each level it finishes
     * into {@code s.prevs[level]} (the last node before the probe) and {@code s.nexts[level]}
     * (the first node after it, or {@link Arena#NIL}).
     *
     * <p>Nodes are compared by internal key: the key bytes first, then, for the same key, the
     * sequence <em>descending</em> (a node with a higher sequence than the probe's sorts before
     * it). The sequence is read only when the key bytes are equal. A node equal to the probe in
     * both ends the search at once: it is returned and the splices of the levels not finished are
     * left as they were. Probes at {@link #NEWEST} or {@link #PAST_OLDEST} never meet an equal
     * node (no node holds those sequences).
     *
     * <p>A <em>read</em> probe ({@code s.read}: a get or a seek) also stops at a version of its key
     * with a lower sequence that is not {@link #SUPERSEDED}: that is the key's newest version, so
     * no node lies between the probe and it, and it is what the read wants; the splice is then
     * incomplete, as for an equal node. A put never stops there: it needs the full splice.
     *
     * <p>{@code bound} is {@link Arena#NIL} or a node known to sort after the probe: the walk
     * stops on reaching it without comparing it. A level that ends on a node passes that node as
     * the bound of the level below, since the walk there meets it again (RocksDB's "last bigger"
     * check); an insert whose CAS failed passes its old {@code next}, which still sorts after
     * the probe and is still reachable from {@code prev} (nodes never move or disappear).
     *
     * <p>When the search returns {@link Arena#NIL} and {@code bottom} is 0,
     * {@code s.nextSameKey} tells whether {@code s.nexts[0]} holds the probe's key (an older
     * version of it) and {@code s.prevSameKey} whether {@code s.prevs[0]} does (a newer
     * version). Every node the search stopped at or passed was compared by it, so they are exact
     * when {@code start} is the head and {@code bound} is {@link Arena#NIL}; for a search that
     * restarts from an earlier splice ({@code start} = {@code prevs[0]}, {@code bound} =
     * {@code nexts[0]}, as an insert whose CAS failed does), both flags must still describe that
     * splice on entry, as the previous search left them.
     *
     * @return the node equal to the probe in key and sequence, if the walk met one; else
     *     {@link Arena#NIL}
     */
    private int findSplice(Scratch s, int top, int bottom, int start, int bound) {
        byte[] probe = s.probe;
        int probeLength = s.length;
        long probePrefix = s.prefix;
        long probeSequence = s.sequence;
        int[] prevs = s.prevs;
        int[] nexts = s.nexts;
        byte[][] chunks = arena.chunks;
        byte[] prevChunk = chunks[start >>> Arena.NODE_OFFSET_BITS];
        int prevOffset = Arena.offset(start);
        boolean read = s.read;
        int prev = start;
        int stop = bound;
        boolean prevSameKey = start != head && s.prevSameKey;
        boolean stopSameKey = bound != NIL && s.nextSameKey;
        for (int level = top; level >= bottom; level--) {
            int next;
            while (true) {
                next = link(prevChunk, prevOffset, level);
                if (next == NIL || next == stop) {
                    break;
                }
                byte[] c = chunks[next >>> Arena.NODE_OFFSET_BITS];
                int o = Arena.offset(next);
                int cmp = compareKey(c, o, probe, probeLength, probePrefix);
                if (cmp == 0) {
                    // Volatile: the SUPERSEDED bit is set after the node was published.
                    long word = (long) LONG.getVolatile(c, o + SEQUENCE);
                    long sequence = word & SEQUENCE_MASK;
                    if (sequence == probeSequence) {
                        return next;
                    }
                    if (sequence < probeSequence) {
                        // An older version of the probe's key: after the probe. If no newer
                        // version exists, nothing lies between, and a read is done.
                        if (read && word >= 0) {
                            return next;
                        }
                        stop = next;
                        stopSameKey = true;
                        break;
                    }
                    // A newer version: before the probe, like a smaller key.
                } else if (cmp > 0) {
                    stop = next;
                    stopSameKey = false;
                    break;
                }
                prev = next;
                prevChunk = c;
                prevOffset = o;
                prevSameKey = cmp == 0;
            }
            prevs[level] = prev;
            nexts[level] = next;
        }
        s.nextSameKey = stopSameKey && nexts[bottom] == stop;
        s.prevSameKey = prevSameKey;
        return NIL;
    }

    /**
     * Compares the key of the node at {@code c[o]} with {@code probe[0, probeLength)}, unsigned:
     * negative if the node's key sorts first. When both keys have 8 bytes or more, their first 8
     * bytes are compared as one unsigned big-endian {@code long} ({@code probePrefix} holds the
     * probe's), which decides almost every comparison of keys that do not share a long prefix.
     */
    private static int compareKey(byte[] c, int o, byte[] probe, int probeLength,
                                  long probePrefix) {
        int meta = (int) INT.get(c, o + META);
        int keyLength = meta & 0xFFFF;
        int from = o + TOWER + (meta >>> 16) * Integer.BYTES;
        if (keyLength >= Long.BYTES && probeLength >= Long.BYTES) {
            long prefix = (long) BIG_LONG.get(c, from);
            if (prefix != probePrefix) {
                return Long.compareUnsigned(prefix, probePrefix);
            }
            return Arrays.compareUnsigned(c, from + Long.BYTES, from + keyLength,
                    probe, Long.BYTES, probeLength);
        }
        return Arrays.compareUnsigned(c, from, from + keyLength, probe, 0, probeLength);
    }

    /** Returns the first node, or {@link Arena#NIL} if the list is empty. */
    int first() {
        return next(head, 0);
    }

    /** Returns the first node linked at {@code level}, or {@link Arena#NIL} (for tests). */
    int first(int level) {
        return next(head, level);
    }

    /** Returns the node after {@code node} at level 0 (a volatile load), or {@link Arena#NIL}. */
    int next(int node) {
        return next(node, 0);
    }

    /**
     * Compares the key of {@code node} with {@code other[0, otherLength)}, unsigned
     * lexicographically: negative if the node's key sorts first. {@code otherPrefix} is
     * {@link #prefix prefix(other, otherLength)}.
     */
    int compareKey(int node, byte[] other, int otherLength, long otherPrefix) {
        return compareKey(arena.chunk(node), Arena.offset(node), other, otherLength, otherPrefix);
    }

    /** The first 8 bytes of {@code key} as an unsigned big-endian long, if it has 8 or more. */
    static long prefix(byte[] key, int length) {
        return length >= Long.BYTES ? (long) BIG_LONG.get(key, 0) : 0;
    }

    /** Returns the key of {@code node}, sharing the chunk. */
    Bytes key(int node) {
        byte[] c = arena.chunk(node);
        int o = Arena.offset(node);
        int meta = (int) INT.get(c, o + META);
        int from = o + TOWER + (meta >>> 16) * Integer.BYTES;
        return Bytes.wrap(c, from, from + (meta & 0xFFFF));
    }

    /**
     * Returns the sequence of {@code node}'s version (immutable, so a plain load; the
     * {@link #SUPERSEDED} bit is masked off).
     */
    long sequence(int node) {
        return (long) LONG.get(arena.chunk(node), Arena.offset(node) + SEQUENCE) & SEQUENCE_MASK;
    }

    /** Returns true if {@code node}'s version is marked {@link #SUPERSEDED} (for tests). */
    boolean superseded(int node) {
        return (long) LONG.getVolatile(arena.chunk(node), Arena.offset(node) + SEQUENCE) < 0;
    }

    /**
     * Returns true if nodes {@code a} and {@code b} hold the same key bytes (two versions of one
     * key). Cheap when they differ: lengths first, then the first 8 bytes as one {@code long}.
     */
    boolean sameKey(int a, int b) {
        byte[] ca = arena.chunk(a);
        int oa = Arena.offset(a);
        byte[] cb = arena.chunk(b);
        int ob = Arena.offset(b);
        int metaA = (int) INT.get(ca, oa + META);
        int metaB = (int) INT.get(cb, ob + META);
        int length = metaA & 0xFFFF;
        if (length != (metaB & 0xFFFF)) {
            return false;
        }
        int fromA = oa + TOWER + (metaA >>> 16) * Integer.BYTES;
        int fromB = ob + TOWER + (metaB >>> 16) * Integer.BYTES;
        if (length >= Long.BYTES) {
            if ((long) BIG_LONG.get(ca, fromA) != (long) BIG_LONG.get(cb, fromB)) {
                return false;
            }
            return Arrays.equals(ca, fromA + Long.BYTES, fromA + length,
                    cb, fromB + Long.BYTES, fromB + length);
        }
        return Arrays.equals(ca, fromA, fromA + length, cb, fromB, fromB + length);
    }

    /** Returns the node's current value word (a volatile load). */
    long value(int node) {
        return (long) LONG.getVolatile(arena.chunk(node), Arena.offset(node) + VALUE);
    }

    /**
     * Returns the bytes of a value word, sharing the chunk (the value's memory is not touched);
     * empty for a tombstone.
     */
    Bytes valueBytes(long valueWord) {
        if (valueWord == TOMBSTONE) {
            return Bytes.EMPTY;
        }
        int length = (int) (valueWord >>> VALUE_LENGTH_SHIFT);
        long position = valueWord & ((1L << VALUE_LENGTH_SHIFT) - 1);
        int from = Arena.valueOffset(position);
        return Bytes.wrap(arena.valueChunk(position), from, from + length);
    }

    /** Returns the height of {@code node}'s tower (for tests). */
    int towerHeight(int node) {
        return (int) INT.get(arena.chunk(node), Arena.offset(node) + META) >>> 16;
    }

    /** Returns the node after {@code node} at {@code level} (a volatile load). */
    int next(int node, int level) {
        return link(arena.chunk(node), Arena.offset(node), level);
    }

    /** Returns the link at {@code level} of the node at {@code c[o]} (a volatile load). */
    private static int link(byte[] c, int o, int level) {
        return (int) INT.getVolatile(c, o + TOWER + level * Integer.BYTES);
    }

    // ------------------------------------------------------------------ writing

    private boolean casNext(int node, int level, int expected, int replacement) {
        return INT.compareAndSet(arena.chunk(node),
                Arena.offset(node) + TOWER + level * Integer.BYTES, expected, replacement);
    }

    /**
     * Sets the {@link #SUPERSEDED} bit of {@code node} (a published node: a volatile store, so
     * that every read that starts after the newer version is linked sees it). Every writer
     * stores the same word, so a plain read-then-store cannot lose anything.
     */
    private void markSuperseded(int node) {
        byte[] c = arena.chunk(node);
        int o = Arena.offset(node) + SEQUENCE;
        long word = (long) LONG.getVolatile(c, o);
        if (word >= 0) {
            LONG.setVolatile(c, o, word | SUPERSEDED);
        }
    }

    private void setValue(int node, long valueWord) {
        LONG.setVolatile(arena.chunk(node), Arena.offset(node) + VALUE, valueWord);
    }

    /**
     * Allocates and fills an unlinked node: value word, sequence, meta, zero tower and key; the
     * value's bytes go to the value region (none for a tombstone).
     */
    private int newNode(int nodeHeight, Bytes key, long sequence, Bytes value) {
        int keyLength = key.length();
        int keyFrom = TOWER + nodeHeight * Integer.BYTES;
        long valueWord = newValue(value);
        int node = arena.allocateNode(Arena.alignNode(keyFrom + keyLength));
        byte[] c = arena.chunk(node);
        int o = Arena.offset(node);
        LONG.set(c, o + VALUE, valueWord);
        LONG.set(c, o + SEQUENCE, sequence);
        INT.set(c, o + META, nodeHeight << 16 | keyLength);
        key.copyTo(c, o + keyFrom);
        return node;
    }

    /**
     * Copies a value into the value region and returns its word,
     * {@code length << 35 | chunkIndex << 22 | byteOffset}; {@link #TOMBSTONE} for the empty
     * value.
     */
    private long newValue(Bytes value) {
        int length = value.length();
        if (length == 0) {
            return TOMBSTONE;
        }
        long position = arena.allocateValue(length);
        value.copyTo(arena.valueChunk(position), Arena.valueOffset(position));
        return (long) length << VALUE_LENGTH_SHIFT | position;
    }

    /** Raises the list height to at least {@code nodeHeight}. */
    private void raiseHeight(int nodeHeight) {
        int h = (int) HEIGHT.getVolatile(this);
        while (h < nodeHeight && !HEIGHT.compareAndSet(this, h, nodeHeight)) {
            h = (int) HEIGHT.getVolatile(this);
        }
    }

    /** 1 + the number of trailing pairs of zero bits: level k is reached with chance 4^-(k-1). */
    private static int randomHeight() {
        long r = ThreadLocalRandom.current().nextLong();
        return Math.min(MAX_HEIGHT, 1 + (Long.numberOfTrailingZeros(r) >>> 1));
    }

    /**
     * Per-thread buffers, so that a put or a get allocates nothing on the heap but arena memory
     * and the {@code Bytes} it returns: the probe (a copy of the searched key, since a
     * {@code Bytes} does not expose its array and keys in the arena are compared with
     * {@link Arrays#compareUnsigned(byte[], int, int, byte[], int, int)}; its length; its 8-byte
     * prefix; its sequence) and the splice found by {@link #findSplice}. Safe to reuse: no method
     * that holds them calls out to user code or back into a list.
     */
    private static final class Scratch {
        final int[] prevs = new int[MAX_HEIGHT];
        final int[] nexts = new int[MAX_HEIGHT];
        /** The probe's bytes in {@code [0, length)}; {@link #kept} or a longer, fresh array. */
        byte[] probe;
        int length;
        /** {@code prefix(probe, length)}. */
        long prefix;
        /** The probe's sequence: with the key, the internal key searched for. */
        long sequence;
        /** Set by {@link #findSplice}: whether {@code nexts[0]} holds the probe's key. */
        boolean nextSameKey;
        /** Set by {@link #findSplice}: whether {@code prevs[0]} holds the probe's key. */
        boolean prevSameKey;
        /**
         * True for a get or a seek, which may stop at the newest version of the key below the
         * probe; false for a put, which needs the full splice.
         */
        boolean read;
        /** The buffer kept for the next probe (grown up to {@code KEPT_PROBE_BYTES}). */
        private byte[] kept = new byte[64];

        /** Makes {@code (key, sequence)} the probe of a read. */
        void loadRead(Bytes key, long sequence) {
            load(key, sequence);
            read = true;
        }

        /** Makes {@code (key, sequence)} the probe of a put. */
        void load(Bytes key, long sequence) {
            read = false;
            int keyLength = key.length();
            byte[] p = kept;
            if (p.length < keyLength) {
                p = new byte[keyLength];
                if (keyLength <= KEPT_PROBE_BYTES) {
                    kept = p;
                }
            }
            key.copyTo(p, 0);
            probe = p;
            length = keyLength;
            prefix = prefix(p, keyLength);
            this.sequence = sequence;
        }
    }
}
