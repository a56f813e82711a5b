package dev.memtable.spi;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentMap;

/**
 * Versions of keys for backends, written once: a per-key chain of versions that a
 * {@link NavigableMap} holds as its value ({@link Version}), the map operations over it, and the
 * iterators a backend's {@code doScan} and {@code doVersions} return (see {@link AbstractMemTable}).
 *
 * <h2>The chain</h2>
 * A key maps to the head of a singly linked list of {@link Version}s, newest (highest sequence)
 * first. A key with one version, the common case, costs one small node beside the map entry, and
 * reading the newest version is a map lookup plus one field read, so versions do not slow the
 * common path. A version newer than the head becomes the new head (the map's value is replaced
 * with compare-and-set semantics); an older one is linked into the list at its place with a
 * compare-and-set on the predecessor's link; an equal sequence replaces that node's value.
 * Nothing is ever unlinked, so a reader walking the list never sees a version vanish.
 *
 * <h2>Memory ordering</h2>
 * A node's fields are written before the node is published (by the map's put or replace, or by
 * the compare-and-set that links it), and links and values are volatile, so a reader that reaches
 * a node sees it complete. Over a {@link ConcurrentMap}, {@link #put} is lock-free and safe for
 * any number of concurrent writers; over a plain map the caller holds a write lock.
 *
 * <h2>Two key flavours</h2>
 * The operations come in two flavours that share the chain: over a map keyed by {@link Bytes}
 * (natural order), and over a map keyed by {@code byte[]} in {@link #KEY_ORDER} (the flavour the
 * built-in backends use). A {@code byte[]} key is searched exactly as a raw
 * {@code ConcurrentSkipListMap<byte[], byte[]>} searches: one load of the key array per
 * comparison, where a {@code Bytes} key costs two (the wrapper, then its array). Its keys are
 * {@link ByteArrays#exact} of the caller's keys: the caller's own array when the {@code Bytes}
 * wraps a whole array (no copy; {@link Bytes#wrap(byte[])} says the caller gave that array up),
 * a copy of a slice. The cursors hand keys out as {@link Bytes#wrap(byte[])} of the stored array.
 *
 * <p>Thread-safe as described; the iterators are for one thread at a time.
 */
public final class Versions {

    /**
     * The order of a {@code byte[]}-keyed map of versions: unsigned lexicographic, the order of
     * {@link Bytes#compareTo} (and of {@link Arrays#compareUnsigned(byte[], byte[])}, which it
     * is).
     */
    public static final Comparator<byte[]> KEY_ORDER = Arrays::compareUnsigned;

    private Versions() {
    }

    /** One version of a key: its sequence, its value (empty for a tombstone), and the next older. */
    public static final class Version {
        private static final VarHandle OLDER;
        private static final VarHandle VALUE;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                OLDER = l.findVarHandle(Version.class, "older", Version.class);
                VALUE = l.findVarHandle(Version.class, "value", Bytes.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final long sequence;
        private volatile Bytes value;
        private volatile Version older;

        private Version(long sequence, Bytes value, Version older) {
            this.sequence = sequence;
            VALUE.set(this, value);
            OLDER.set(this, older);
        }

        /** Returns this version's sequence. */
        public long sequence() {
            return sequence;
        }

        /** Returns this version's value; empty for a tombstone. */
        public Bytes value() {
            return value;
        }

        /** Returns the next older version of the key, or null. */
        public Version older() {
            return older;
        }

        /**
         * Returns the version visible at {@code readSequence} in the chain that starts here: the
         * first with a sequence {@code <= readSequence}, or null if every one is above it.
         */
        public Version visibleAt(long readSequence) {
            Version v = this;
            while (v != null && v.sequence > readSequence) {
                v = v.older;
            }
            return v;
        }

        /**
         * Adds {@code (sequence, value)} to the chain headed by this version, which must not be
         * older: {@code sequence <= sequence()}. Replaces the value of an equal sequence, else
         * links a new node in descending order. Lock-free.
         */
        void addBelow(long sequence, Bytes value) {
            Version pred = this;
            while (true) {
                if (pred.sequence == sequence) {
                    pred.value = value;
                    return;
                }
                Version next = pred.older;
                if (next != null && next.sequence >= sequence) {
                    pred = next;
                    continue;
                }
                if (OLDER.compareAndSet(pred, next, new Version(sequence, value, next))) {
                    return;
                }
                // another version was linked behind pred meanwhile: look again from pred
            }
        }

        @Override
        public String toString() {
            return "Version[" + sequence + (value.isEmpty() ? ", tombstone]" : "]");
        }
    }

    // ------------------------------------------------------------------ map operations

    /**
     * Adds the version {@code (sequence, value)} of {@code key} to {@code map}, as
     * {@link AbstractMemTable#doPut} requires: a new key costs one {@code putIfAbsent}, a newer
     * version one more {@code replace}, an older or equal one no map write at all. Lock-free over
     * a {@link ConcurrentMap}; over any other map the caller must hold a lock that excludes other
     * writers and readers.
     */
    public static void put(Map<Bytes, Version> map, Bytes key, Bytes value, long sequence) {
        Version fresh = new Version(sequence, value, null);
        Version head = map.putIfAbsent(key, fresh);
        while (head != null) {
            if (sequence <= head.sequence) {
                head.addBelow(sequence, value);
                return;
            }
            Version newer = new Version(sequence, value, head);
            if (map.replace(key, head, newer)) {
                return;
            }
            head = map.get(key); // a newer head was installed meanwhile; keys are never removed
        }
    }

    /**
     * Returns the value of {@code key}'s version visible at {@code sequence}, or null: what
     * {@link AbstractMemTable#doGet} returns. At {@link Long#MAX_VALUE} it is one map lookup.
     */
    public static Bytes get(Map<Bytes, Version> map, Bytes key, long sequence) {
        Version head = map.get(key);
        if (head == null) {
            return null;
        }
        Version v = head.visibleAt(sequence);
        return v == null ? null : v.value;
    }

    /**
     * The {@code byte[]} flavour of {@link #put(Map, Bytes, Bytes, long)}: adds the version
     * {@code (sequence, value)} of {@code key} to a map ordered by {@link #KEY_ORDER}. The map
     * keeps {@code key} itself (the caller's array, see {@link ByteArrays#exact}): it must never
     * be modified afterwards. A new key costs one {@code putIfAbsent} and no other search. Same
     * concurrency rules as the {@code Bytes} flavour.
     */
    public static void put(Map<byte[], Version> map, byte[] key, Bytes value, long sequence) {
        Version fresh = new Version(sequence, value, null);
        Version head = map.putIfAbsent(key, fresh);
        if (head != null) {
            addExisting(map, key, head, value, sequence);
        }
    }

    /** A put to a key already present (the cold path of the {@code byte[]} flavour). */
    private static void addExisting(Map<byte[], Version> map, byte[] key, Version head,
                                    Bytes value, long sequence) {
        while (head != null) {
            if (sequence <= head.sequence) {
                head.addBelow(sequence, value);
                return;
            }
            Version newer = new Version(sequence, value, head);
            if (map.replace(key, head, newer)) {
                return;
            }
            head = map.get(key); // a newer head was installed meanwhile; keys are never removed
        }
    }

    /**
     * The {@code byte[]} flavour of {@link #get(Map, Bytes, long)}: the value of {@code key}'s
     * version visible at {@code sequence} in a map ordered by {@link #KEY_ORDER}, or null. For
     * the newest version ({@link Long#MAX_VALUE}) it is the map's lookup and one read of the
     * head's value; the value itself is not read (a tombstone is an empty {@code Bytes}, told
     * apart by its caller, not here).
     */
    public static Bytes get(Map<byte[], Version> map, byte[] key, long sequence) {
        Version head = map.get(key);
        if (head == null) {
            return null;
        }
        if (head.sequence <= sequence) {
            return head.value; // the common case: the newest version, no chain walk
        }
        Version v = head.visibleAt(sequence);
        return v == null ? null : v.value;
    }

    /**
     * The {@code byte[]} flavour of {@link #scan(NavigableMap, Bound, Bound, long)}, over a map
     * ordered by {@link #KEY_ORDER}; keys are handed out as {@link Bytes#wrap(byte[])} of the
     * stored arrays (one small wrapper per key).
     */
    public static MemTableIterator scanArrays(NavigableMap<byte[], Version> map, Bound lower,
                                              Bound upper, long sequence) {
        return new ChainCursor(Ranges.arrayView(map, lower, upper).entrySet().iterator(),
                sequence, false);
    }

    /**
     * The {@code byte[]} flavour of {@link #all(NavigableMap, Bound, Bound)}, over a map ordered
     * by {@link #KEY_ORDER}; keys are handed out as {@link Bytes#wrap(byte[])} of the stored
     * arrays.
     */
    public static MemTableIterator allArrays(NavigableMap<byte[], Version> map, Bound lower,
                                             Bound upper) {
        return new ChainCursor(Ranges.arrayView(map, lower, upper).entrySet().iterator(),
                Long.MAX_VALUE, true);
    }

    /**
     * Returns a cursor over the version visible at {@code sequence} of each key of {@code map}
     * between the bounds (keys without one left out): the map's own entry iterator adapted, so it
     * is as consistent as that iterator (weakly consistent for a concurrent map; a plain map must
     * not change while it is used). The range must not be empty or inverted
     * ({@link Ranges#view}).
     */
    public static MemTableIterator scan(NavigableMap<Bytes, Version> map, Bound lower,
                                        Bound upper, long sequence) {
        return new ChainCursor(Ranges.view(map, lower, upper).entrySet().iterator(), sequence,
                false);
    }

    /**
     * Returns a cursor over every version of every key of {@code map} between the bounds, keys
     * ascending and versions newest first, as {@link AbstractMemTable#doVersions} requires. Same
     * consistency and preconditions as {@link #scan}.
     */
    public static MemTableIterator all(NavigableMap<Bytes, Version> map, Bound lower,
                                       Bound upper) {
        return new ChainCursor(Ranges.view(map, lower, upper).entrySet().iterator(),
                Long.MAX_VALUE, true);
    }

    /**
     * Filters an iterator over every version (keys ascending, sequences descending within a key,
     * as {@link dev.memtable.MemTable#versions} yields them) down to the version visible at
     * {@code sequence} of each key; keys with no version at or below it are left out. The default
     * {@link AbstractMemTable#doScan} is this over {@link AbstractMemTable#doVersions}. Closing the
     * result closes {@code everyVersion}.
     */
    public static MemTableIterator visible(MemTableIterator everyVersion, long sequence) {
        return new VisibleFilter(everyVersion, sequence);
    }

    // ------------------------------------------------------------------ cursors

    private static NoSuchElementException noEntry() {
        return new NoSuchElementException(
                "iterator is not positioned on an entry (isValid() is false)");
    }

    /**
     * A cursor over a map of version chains: the version visible at a sequence of each key (keys
     * without one skipped), or every version, newest first within a key. It keeps the value it
     * read on arriving at a version, so a later rewrite of that version does not change what it
     * hands out.
     */
    private static final class ChainCursor implements MemTableIterator {
        private final Iterator<? extends Map.Entry<?, Version>> entries;
        private final long sequence;
        private final boolean allVersions;
        private Bytes key;
        private Version version;
        private Bytes value;

        /**
         * Over every version if {@code allVersions}, else at {@code sequence}; the entries' keys
         * are {@code Bytes} or {@code byte[]}.
         */
        ChainCursor(Iterator<? extends Map.Entry<?, Version>> entries, long sequence,
                    boolean allVersions) {
            this.entries = entries;
            this.sequence = sequence;
            this.allVersions = allVersions;
            nextKey();
        }

        private void nextKey() {
            while (entries.hasNext()) {
                Map.Entry<?, Version> e = entries.next();
                Version v = allVersions ? e.getValue() : e.getValue().visibleAt(sequence);
                if (v != null) {
                    Object k = e.getKey();
                    arrive(k instanceof byte[] a ? Bytes.wrap(a) : (Bytes) k, v);
                    return;
                }
            }
            key = null;
            version = null;
            value = null;
        }

        private void arrive(Bytes k, Version v) {
            key = k;
            version = v;
            value = v.value;
        }

        @Override
        public boolean isValid() {
            return key != null;
        }

        @Override
        public Bytes key() {
            check();
            return key;
        }

        @Override
        public Bytes value() {
            check();
            return value;
        }

        @Override
        public long sequence() {
            check();
            return version.sequence;
        }

        private void check() {
            if (key == null) {
                throw noEntry();
            }
        }

        @Override
        public void next() {
            if (key == null) {
                return;
            }
            Version older = version.older;
            if (allVersions && older != null) {
                arrive(key, older);
            } else {
                nextKey();
            }
        }

        @Override
        public void close() {
            key = null;
            version = null;
            value = null;
        }
    }

    /** Keeps the first version at or below the sequence of each key of an every-version cursor. */
    private static final class VisibleFilter implements MemTableIterator {
        private final MemTableIterator all;
        private final long sequence;

        VisibleFilter(MemTableIterator all, long sequence) {
            this.all = all;
            this.sequence = sequence;
            settle();
        }

        /** Skips versions above the sequence, and keys that have no other. */
        private void settle() {
            while (all.isValid() && all.sequence() > sequence) {
                all.next();
            }
        }

        @Override
        public boolean isValid() {
            return all.isValid();
        }

        @Override
        public Bytes key() {
            return all.key();
        }

        @Override
        public Bytes value() {
            return all.value();
        }

        @Override
        public long sequence() {
            return all.sequence();
        }

        @Override
        public void next() {
            if (!all.isValid()) {
                return;
            }
            Bytes key = all.key();
            all.next();
            while (all.isValid() && all.key().equals(key)) {
                all.next(); // older versions of the key just yielded
            }
            settle();
        }

        @Override
        public void close() {
            all.close();
        }
    }
}
