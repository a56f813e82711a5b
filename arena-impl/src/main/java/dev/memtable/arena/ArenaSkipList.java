package dev.memtable.arena;

import static dev.memtable.arena.Arena.INT;
import static dev.memtable.arena.Arena.LONG;
import static dev.memtable.arena.Arena.NIL;

import dev.memtable.Bytes;
import dev.memtable.spi.ByteArrays;
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
    /** int: the tower's level 0, the next node; volatile, updated by CAS. */
    private static final int TOWER = 20;
    /**
     * long[height - 1]: the tower's levels 1 .. height-1, each one word
     * {@code prefix32(next's key) << 32 | next} (see {@link #linkWord}); volatile, updated by CAS
     * as one word, so that a link and its key prefix are always read together. 8-byte aligned.
     */
    private static final int UPPER = 24;
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
    /** Unaligned big-endian {@code int}s (plain mode only): 4-byte key prefixes of the tower. */
    private static final VarHandle BIG_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.BIG_ENDIAN);

    private final Arena arena;
    /** The head sentinel: a full-height node with no key, smaller than every key. */
    private final int head;
    private final byte[] headChunk;
    private final int headOffset;
    /** Key to newest node, for point reads (best effort; see {@link PointIndex}). */
    private final PointIndex index = new PointIndex(this);
    /** The tallest tower linked so far (or being linked); searches start there. */
    @SuppressWarnings("unused") // accessed through HEIGHT
    private volatile int height = 1;

    ArenaSkipList(Arena arena) {
        this.arena = arena;
        this.head = arena.allocateNode(keyOffset(MAX_HEIGHT));
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
        long[] words = s.words;
        int nodeHeight = randomHeight();
        if (nodeHeight > listHeight) {
            // Levels nobody searched: the head is before every key. If another insert links
            // something there first, the CAS below fails and the splice is found again.
            for (int level = listHeight; level < nodeHeight; level++) {
                prevs[level] = head;
                nexts[level] = NIL;
                words[level] = NIL;
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
            if (INT.compareAndSet(arena.chunk(prevs[0]), Arena.offset(prevs[0]) + TOWER,
                    nexts[0], node)) {
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
        long nodeWord = linkWord(s.prefix32, node);
        for (int level = 1; level < nodeHeight; level++) {
            int at = upper(level);
            while (true) {
                // The word the predecessor held: the successor with its prefix.
                LONG.set(nodeChunk, nodeOffset + at, words[level]);
                if (LONG.compareAndSet(arena.chunk(prevs[level]), Arena.offset(prevs[level]) + at,
                        words[level], nodeWord)) {
                    break;
                }
                // No other node with this version can be at any level: it would have been found
                // at level 0, where this node is linked now. So this finds no equal node.
                findSplice(s, level, level, prevs[level], nexts[level]);
            }
        }
        if (!s.prevSameKey) {
            // The key's newest version (unless a newer one raced in: the index keeps the newest).
            index.insert(node, s.probe, s.from, s.length, s.hash, sequence);
        }
    }

    /**
     * Returns the value ({@link Bytes#EMPTY} for a tombstone) of the version of {@code key} with
     * the highest sequence {@code <= sequence}, or null if there is none: the first node at or
     * after {@code (key, sequence)}, if it holds {@code key}. At {@link #NEWEST} that is the
     * key's newest version, found by one search that stops at the first level where it meets the
     * key, unless the version it meets is {@link #SUPERSEDED} (see {@link #find}).
     *
     * <p>First it asks the {@link PointIndex}: a node it holds for the key that is not
     * superseded, with a sequence at most the read's, is the answer without a search (one slot
     * and one node loaded). Otherwise, a key the index does not hold, a superseded version, or a
     * read below the newest version, it searches the list. The value shares the chunk; it is never copied. Allocates nothing but the returned
     * {@code Bytes}.
     */
    Bytes get(Bytes key, long sequence) {
        // Read in place through ByteArrays (plain loads), and small enough to inline into the
        // caller: only the key's fields go further, so a Bytes made for this call is
        // scalar-replaced (a get miss allocates nothing; JMH -prof gc).
        return get(ByteArrays.array(key), ByteArrays.offset(key), key.length(), sequence);
    }

    /** {@link #get(Bytes, long)} of the key {@code probe[from, from + length)}. */
    Bytes get(byte[] probe, int from, int length, long sequence) {
        int indexed = index.lookup(probe, from, length, PointIndex.hash(probe, from, length));
        if (indexed != NIL) {
            // Volatile: the SUPERSEDED bit is set before a newer version is linked, so a version
            // without it is the key's newest at this moment.
            long seqWord = (long) LONG.getVolatile(arena.chunk(indexed),
                    Arena.offset(indexed) + SEQUENCE);
            if (seqWord >= 0 && seqWord <= sequence) {
                return valueBytes(value(indexed));
            }
        }
        int found = find(probe, from, length, sequence, true);
        return found == NIL ? null : valueBytes(value(found));
    }

    /** Returns true if {@code node}'s key is {@code probe[from, from + length)}. */
    boolean hasKey(int node, byte[] probe, int from, int length) {
        byte[] c = arena.chunk(node);
        int o = Arena.offset(node);
        int meta = (int) INT.get(c, o + META);
        if ((meta & 0xFFFF) != length) {
            return false;
        }
        int keyFrom = o + keyOffset(meta >>> 16);
        return Arrays.equals(c, keyFrom, keyFrom + length, probe, from, from + length);
    }

    /** Returns {@link PointIndex#hash} of {@code node}'s key. */
    long keyHash(int node) {
        byte[] c = arena.chunk(node);
        int o = Arena.offset(node);
        int meta = (int) INT.get(c, o + META);
        return PointIndex.hash(c, o + keyOffset(meta >>> 16), meta & 0xFFFF);
    }

    /** Returns the point index (for tests). */
    PointIndex index() {
        return index;
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
        return find(ByteArrays.array(key), ByteArrays.offset(key), key.length(), sequence, false);
    }

    /**
     * The search of a read ({@link #get}, {@link #seek}): returns the first node at or after the
     * internal key {@code (probe[probeFrom, probeFrom + probeLength), probeSequence)}; with
     * {@code sameKeyOnly}, returns it only if it holds that key, else {@link Arena#NIL}. It
     * records no splice, reads the probe in place (the array behind the caller's {@code Bytes},
     * from {@link ByteArrays}: no copy, no per-thread state) and allocates nothing.
     *
     * <p>On levels 1 and up, a link carries the first 4 bytes of its target's key
     * ({@link #linkWord}), so the walk decides "right" or "down" from the node it stands on
     * whenever those bytes differ from the probe's: it loads the next node only to step onto it,
     * or on a tie. Level 0 has no prefixes; there every next node is compared.
     *
     * <p>It stops at the first version of the probe's key with a sequence at most the probe's
     * that it meets, if that version is not {@link #SUPERSEDED}: that is the key's newest version
     * at or below the probe, and nothing lies between the probe and it (see the package
     * documentation, "Reads stop early"). A flagged version instead bounds the levels below, as a
     * greater key does (RocksDB's "last bigger" check: a node known to sort after the probe is
     * never compared again).
     */
    private int find(byte[] probe, int probeFrom, int probeLength, long probeSequence,
                     boolean sameKeyOnly) {
        long probePrefix = prefix(probe, probeFrom, probeLength);
        int probePrefix32 = prefix32(probe, probeFrom, probeLength);
        byte[][] chunks = arena.chunks;
        byte[] prevChunk = headChunk;
        int prevOffset = headOffset;
        int stop = NIL;
        boolean stopSameKey = false;
        for (int level = (int) HEIGHT.getVolatile(this) - 1; level >= 1; level--) {
            int at = upper(level);
            while (true) {
                long word = (long) LONG.getVolatile(prevChunk, prevOffset + at);
                int next = (int) word;
                if (next == NIL || next == stop) {
                    break;
                }
                int cmp = Integer.compareUnsigned((int) (word >>> 32), probePrefix32);
                if (cmp > 0) {
                    stop = next;
                    stopSameKey = false;
                    break;
                }
                byte[] c = chunks[next >>> Arena.NODE_OFFSET_BITS];
                int o = Arena.offset(next);
                if (cmp == 0) {
                    cmp = compareKey(c, o, probe, probeFrom, probeLength, probePrefix);
                    if (cmp > 0) {
                        stop = next;
                        stopSameKey = false;
                        break;
                    }
                    if (cmp == 0) {
                        // Volatile: the SUPERSEDED bit is set after the node was published.
                        long seqWord = (long) LONG.getVolatile(c, o + SEQUENCE);
                        long sequence = seqWord & SEQUENCE_MASK;
                        if (sequence == probeSequence || sequence < probeSequence && seqWord >= 0) {
                            return next; // that version, or the key's newest below the probe
                        }
                        if (sequence < probeSequence) {
                            // An older version with a newer one linked: a newer one, still at
                            // most the probe's, may sit before it on the levels below.
                            stop = next;
                            stopSameKey = true;
                            break;
                        }
                        // A newer version: before the probe, like a smaller key.
                    }
                }
                prevChunk = c;
                prevOffset = o;
            }
        }
        while (true) {
            int next = link(prevChunk, prevOffset, 0);
            if (next == NIL) {
                return NIL;
            }
            if (next == stop) {
                return stopSameKey || !sameKeyOnly ? stop : NIL;
            }
            byte[] c = chunks[next >>> Arena.NODE_OFFSET_BITS];
            int o = Arena.offset(next);
            int cmp = compareKey(c, o, probe, probeFrom, probeLength, probePrefix);
            if (cmp > 0) {
                return sameKeyOnly ? NIL : next;
            }
            if (cmp == 0 && ((long) LONG.get(c, o + SEQUENCE) & SEQUENCE_MASK) <= probeSequence) {
                return next; // the first version of the key at or below the probe's sequence
            }
            prevChunk = c;
            prevOffset = o;
        }
    }

    /**
     * The search of a put, and of an insert whose compare-and-set failed (as Pebble's
     * {@code findSplice}). It walks levels {@code top} down to {@code bottom}, starting at node
     * {@code start}, whose internal key must sort before the probe's (the head does), and stores
     * the splice of each level it finishes into {@code s.prevs[level]} (the last node before the
     * probe) and {@code s.nexts[level]} (the first node after it, or {@link Arena#NIL}); on
     * levels 1 and up also {@code s.words[level]}, the link word {@code prevs[level]} held, which
     * the insert stores into its new node's tower and then replaces by compare-and-set.
     *
     * <p>Nodes are compared by internal key: the key bytes first, then, for the same key, the
     * sequence <em>descending</em> (a node with a higher sequence than the probe's sorts before
     * it). The sequence is read only when the key bytes are equal. A node equal to the probe in
     * both ends the search at once: it is returned and the splices of the levels not finished are
     * left as they were. On levels 1 and up the 4-byte key prefix in each link decides without
     * loading the next node unless it ties with the probe's, as in {@link #find}.
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
     * version). Every node the search stopped at or passed was compared by it (a prefix that
     * differs from the probe's is a different key), so they are exact when {@code start} is the
     * head and {@code bound} is {@link Arena#NIL}; for a search that restarts from an earlier
     * splice ({@code start} = {@code prevs[0]}, {@code bound} = {@code nexts[0]}, as an insert
     * whose CAS failed does), both flags must still describe that splice on entry, as the
     * previous search left them.
     *
     * @return the node equal to the probe in key and sequence, if the walk met one; else
     *     {@link Arena#NIL}
     */
    private int findSplice(Scratch s, int top, int bottom, int start, int bound) {
        byte[] probe = s.probe;
        int probeFrom = s.from;
        int probeLength = s.length;
        long probePrefix = s.prefix;
        int probePrefix32 = s.prefix32;
        long probeSequence = s.sequence;
        int[] prevs = s.prevs;
        int[] nexts = s.nexts;
        long[] words = s.words;
        byte[][] chunks = arena.chunks;
        byte[] prevChunk = chunks[start >>> Arena.NODE_OFFSET_BITS];
        int prevOffset = Arena.offset(start);
        int prev = start;
        int stop = bound;
        boolean prevSameKey = start != head && s.prevSameKey;
        boolean stopSameKey = bound != NIL && s.nextSameKey;
        for (int level = top; level >= bottom; level--) {
            int next;
            long word = NIL;
            while (true) {
                int cmp;
                if (level > 0) {
                    word = (long) LONG.getVolatile(prevChunk, prevOffset + upper(level));
                    next = (int) word;
                    if (next == NIL || next == stop) {
                        break;
                    }
                    cmp = Integer.compareUnsigned((int) (word >>> 32), probePrefix32);
                } else {
                    next = link(prevChunk, prevOffset, 0);
                    if (next == NIL || next == stop) {
                        break;
                    }
                    cmp = 0;
                }
                if (cmp > 0) {
                    stop = next;
                    stopSameKey = false;
                    break;
                }
                byte[] c = chunks[next >>> Arena.NODE_OFFSET_BITS];
                int o = Arena.offset(next);
                if (cmp == 0) {
                    cmp = compareKey(c, o, probe, probeFrom, probeLength, probePrefix);
                }
                if (cmp == 0) {
                    // Volatile: the SUPERSEDED bit is set after the node was published (a put
                    // does not use it, but reads the word as every reader does).
                    long sequence = (long) LONG.getVolatile(c, o + SEQUENCE) & SEQUENCE_MASK;
                    if (sequence == probeSequence) {
                        return next;
                    }
                    if (sequence < probeSequence) {
                        // An older version of the probe's key: after the probe.
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
            words[level] = word;
        }
        s.nextSameKey = stopSameKey && nexts[bottom] == stop;
        s.prevSameKey = prevSameKey;
        return NIL;
    }

    /**
     * Compares the key of the node at {@code c[o]} with
     * {@code probe[probeFrom, probeFrom + probeLength)}, unsigned: negative if the node's key
     * sorts first. When both keys have 8 bytes or more, their first 8 bytes are compared as one
     * unsigned big-endian {@code long} ({@code probePrefix} holds the probe's), which decides
     * almost every comparison of keys that do not share a long prefix.
     */
    private static int compareKey(byte[] c, int o, byte[] probe, int probeFrom, int probeLength,
                                  long probePrefix) {
        int meta = (int) INT.get(c, o + META);
        int keyLength = meta & 0xFFFF;
        int from = o + keyOffset(meta >>> 16);
        if (keyLength >= Long.BYTES && probeLength >= Long.BYTES) {
            long prefix = (long) BIG_LONG.get(c, from);
            if (prefix != probePrefix) {
                return Long.compareUnsigned(prefix, probePrefix);
            }
            return Arrays.compareUnsigned(c, from + Long.BYTES, from + keyLength,
                    probe, probeFrom + Long.BYTES, probeFrom + probeLength);
        }
        return Arrays.compareUnsigned(c, from, from + keyLength,
                probe, probeFrom, probeFrom + probeLength);
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
        return compareKey(arena.chunk(node), Arena.offset(node), other, 0, otherLength,
                otherPrefix);
    }

    /** The first 8 bytes of {@code key} as an unsigned big-endian long, if it has 8 or more. */
    static long prefix(byte[] key, int length) {
        return prefix(key, 0, length);
    }

    /**
     * The first 8 bytes of {@code key[from, from + length)} as an unsigned big-endian long, if it
     * has 8 or more; else 0 (unused then: {@link #compareKey} compares such keys bytewise).
     */
    private static long prefix(byte[] key, int from, int length) {
        return length >= Long.BYTES ? (long) BIG_LONG.get(key, from) : 0;
    }

    /**
     * The first 4 bytes of {@code key[from, from + length)} as a big-endian {@code int}, padded
     * with zero bytes if the key is shorter: compared unsigned, a smaller prefix means a smaller
     * key (zero padding keeps the order: a key that ends sorts before any longer one with the
     * same bytes), equal prefixes decide nothing. The prefix carried by upper-level links.
     */
    static int prefix32(byte[] key, int from, int length) {
        if (length >= Integer.BYTES) {
            return (int) BIG_INT.get(key, from);
        }
        int p = 0;
        for (int i = 0; i < Integer.BYTES; i++) {
            p = p << 8 | (i < length ? key[from + i] & 0xFF : 0);
        }
        return p;
    }

    /**
     * An upper-level link word: {@code prefix32 << 32 | node} (the node's address in the low
     * 32 bits, its key's {@link #prefix32} in the high ones); 0 is no node.
     */
    static long linkWord(int prefix32, int node) {
        return (long) prefix32 << 32 | (node & 0xFFFFFFFFL);
    }

    /** The byte offset within a node of its tower's word at {@code level} (1 or more). */
    private static int upper(int level) {
        return UPPER + (level - 1) * Long.BYTES;
    }

    /**
     * The byte offset within a node of its key, after a tower of {@code height} levels: one
     * {@code int} for level 0 at {@link #TOWER}, one {@code long} for each level above from
     * {@link #UPPER}; this is also the size of a node without its key.
     */
    static int keyOffset(int height) {
        return UPPER + (height - 1) * Long.BYTES;
    }

    /** Returns the key of {@code node}, sharing the chunk. */
    Bytes key(int node) {
        byte[] c = arena.chunk(node);
        int o = Arena.offset(node);
        int meta = (int) INT.get(c, o + META);
        int from = o + keyOffset(meta >>> 16);
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
        int fromA = oa + keyOffset(metaA >>> 16);
        int fromB = ob + keyOffset(metaB >>> 16);
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
        return level == 0 ? (int) INT.getVolatile(c, o + TOWER)
                : (int) (long) LONG.getVolatile(c, o + upper(level));
    }

    /**
     * Returns the key prefix that {@code node}'s link at {@code level} (1 or more) carries with
     * it: the {@link #prefix32} of the next node's key, or 0 with no next node (for tests).
     */
    int linkPrefix(int node, int level) {
        return (int) ((long) LONG.getVolatile(arena.chunk(node), Arena.offset(node) + upper(level))
                >>> 32);
    }

    /** Returns the {@link #prefix32} of {@code node}'s key (for tests). */
    int keyPrefix32(int node) {
        byte[] c = arena.chunk(node);
        int o = Arena.offset(node);
        int meta = (int) INT.get(c, o + META);
        return prefix32(c, o + keyOffset(meta >>> 16), meta & 0xFFFF);
    }

    // ------------------------------------------------------------------ writing

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
        int keyFrom = keyOffset(nodeHeight);
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
     * Per-thread state of a put, so that a put allocates nothing on the heap but arena memory:
     * the probe (the key's own array, range, 8- and 4-byte prefixes, read in place through
     * {@link ByteArrays}; its hash and sequence) and the splice found by {@link #findSplice}.
     * Reads use none of it. Safe to reuse: no method that
     * holds it calls out to user code or back into a list.
     */
    private static final class Scratch {
        final int[] prevs = new int[MAX_HEIGHT];
        final int[] nexts = new int[MAX_HEIGHT];
        /** Levels 1 and up: the link word {@code prevs[level]} held, {@code nexts[level]}'s. */
        final long[] words = new long[MAX_HEIGHT];
        /** The probe's bytes: {@code probe[from, from + length)}, shared with the caller. */
        byte[] probe;
        int from;
        int length;
        /** {@code prefix(probe, from, length)}. */
        long prefix;
        /** {@code prefix32(probe, from, length)}. */
        int prefix32;
        /** {@code PointIndex.hash(probe, from, length)}. */
        long hash;
        /** The probe's sequence: with the key, the internal key searched for. */
        long sequence;
        /** Set by {@link #findSplice}: whether {@code nexts[0]} holds the probe's key. */
        boolean nextSameKey;
        /** Set by {@link #findSplice}: whether {@code prevs[0]} holds the probe's key. */
        boolean prevSameKey;

        /** Makes {@code (key, sequence)} the probe of a put. */
        void load(Bytes key, long sequence) {
            byte[] p = ByteArrays.array(key);
            int f = ByteArrays.offset(key);
            int keyLength = key.length();
            probe = p;
            from = f;
            length = keyLength;
            prefix = prefix(p, f, keyLength);
            prefix32 = prefix32(p, f, keyLength);
            hash = PointIndex.hash(p, f, keyLength);
            this.sequence = sequence;
        }
    }
}
