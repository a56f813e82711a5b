package dev.memtable.arena;

import static dev.memtable.arena.Arena.NIL;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hash index beside the skip list, from a key to its newest node, so that a point read of a
 * key's newest version loads one slot and one node instead of walking the list (RocksDB's hash
 * memtables make the same trade: a few bytes per entry for point reads in constant time).
 *
 * <h2>Best effort, never authoritative</h2>
 * The list is the table; the index only points into it. A slot holds a node address, set by
 * compare-and-set from empty to a node, and afterwards only replaced by a newer version of the
 * same key, so a slot's key never changes. A read that finds its key in the index still checks
 * the node (its key bytes, and that it is not {@link ArenaSkipList#SUPERSEDED}); a read that does
 * not find it, or finds a superseded version, searches the list as if there were no index. So
 * the index may miss keys (an insert gives up after {@value #MAX_PROBES} occupied slots; an insert
 * racing with a resize may land in the old array only) and may point at an older version (a
 * newer one's slot update was lost to a resize): both cost a search, never a wrong answer.
 *
 * <h2>Memory ordering</h2>
 * A node is fully written and linked at level 0 (a volatile compare-and-set) before its address
 * is stored into a slot by a volatile compare-and-set, and slots are read with volatile loads:
 * a reader that loads an address sees the node complete.
 *
 * <h2>Growth</h2>
 * Open addressing with linear probing over an {@code int[]} of a power-of-two length, grown to
 * twice the length when more than half of it is in use. One thread grows it at a time (others go
 * on inserting into the array they hold): it rehashes every slot of the old array into a new one
 * and publishes it with a volatile store. Memory: 4 bytes per slot, 8 to 16 per indexed key.
 *
 * <p>Thread-safe: any number of threads may insert and look up at once.
 */
final class PointIndex {

    /** Slots an insert or a lookup examines before it gives up. */
    static final int MAX_PROBES = 16;
    private static final int MIN_CAPACITY = 1 << 12;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private final ArenaSkipList list;
    /** The slots; replaced (never mutated in place after publication but by CAS) by a grow. */
    private volatile int[] slots = new int[MIN_CAPACITY];
    /** Slots in use in {@link #slots} (approximate across a grow). */
    private final AtomicInteger used = new AtomicInteger();
    private final AtomicBoolean growing = new AtomicBoolean();

    PointIndex(ArenaSkipList list) {
        this.list = list;
    }

    /**
     * The hash of {@code key[from, from + length)}: 8 bytes at a time, then a finalising mix
     * (MurmurHash3's fmix64), so that keys sharing long prefixes still spread.
     */
    static long hash(byte[] key, int from, int length) {
        long h = 0x9E3779B97F4A7C15L ^ length;
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            h = Long.rotateLeft(h ^ (long) LONG_LE.get(key, from + i) * 0xC2B2AE3D27D4EB4FL, 31)
                    * 0x9E3779B97F4A7C15L;
        }
        long tail = 0;
        for (int shift = 0; i < length; i++, shift += 8) {
            tail |= (key[from + i] & 0xFFL) << shift;
        }
        h ^= tail * 0x165667B19E3779F9L;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }

    /**
     * Returns the node the index holds for the key {@code probe[from, from + length)} with hash
     * {@code hash}, or {@link Arena#NIL} if it holds none. The node holds that key; it may be
     * any of its versions (the caller checks {@link ArenaSkipList#SUPERSEDED}).
     */
    int lookup(byte[] probe, int from, int length, long hash) {
        int[] t = slots;
        int mask = t.length - 1;
        int i = (int) hash & mask;
        for (int n = 0; n < MAX_PROBES; n++, i = (i + 1) & mask) {
            int node = (int) SLOT.getVolatile(t, i);
            if (node == NIL) {
                return NIL;
            }
            if (list.hasKey(node, probe, from, length)) {
                return node;
            }
        }
        return NIL;
    }

    /**
     * Records {@code node}, a version with {@code sequence} of the key
     * {@code key[from, from + length)} (hash {@code hash}), already linked into the list: fills
     * an empty slot, or replaces the key's node if {@code node} is newer. Gives up silently after
     * {@value #MAX_PROBES} slots of other keys.
     */
    void insert(int node, byte[] key, int from, int length, long hash, long sequence) {
        int[] t = slots;
        int mask = t.length - 1;
        int i = (int) hash & mask;
        for (int n = 0; n < MAX_PROBES; n++, i = (i + 1) & mask) {
            int held = (int) SLOT.getVolatile(t, i);
            if (held == NIL) {
                if (SLOT.compareAndSet(t, i, NIL, node)) {
                    if (used.incrementAndGet() > t.length >>> 1) {
                        grow(t);
                    }
                    return;
                }
                held = (int) SLOT.getVolatile(t, i);
            }
            if (list.hasKey(held, key, from, length)) {
                // Same key: keep the newest version. The slot only ever holds this key.
                while (list.sequence(held) < sequence) {
                    if (SLOT.compareAndSet(t, i, held, node)) {
                        return;
                    }
                    held = (int) SLOT.getVolatile(t, i);
                }
                return;
            }
        }
    }

    /** Returns the number of slots (for tests and memory accounting). */
    int capacity() {
        return slots.length;
    }

    /**
     * Replaces {@code old} with an array twice as long holding every node of {@code old}, unless
     * another thread is already doing so or has done so.
     */
    private void grow(int[] old) {
        if (slots != old || !growing.compareAndSet(false, true)) {
            return;
        }
        try {
            if (slots != old) {
                return;
            }
            int[] bigger = new int[old.length << 1];
            int mask = bigger.length - 1;
            int moved = 0;
            for (int s = 0; s < old.length; s++) {
                int node = (int) SLOT.getVolatile(old, s);
                if (node == NIL) {
                    continue;
                }
                int i = (int) list.keyHash(node) & mask;
                int n = 0;
                while (bigger[i] != NIL && n < MAX_PROBES) {
                    i = (i + 1) & mask;
                    n++;
                }
                if (bigger[i] == NIL) {
                    bigger[i] = node;
                    moved++;
                }
            }
            used.set(moved);
            slots = bigger; // volatile: publishes the plain stores above
        } finally {
            growing.set(false);
        }
    }
}
