package dev.memtable.tck;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.AbstractMemTableProvider;
import dev.memtable.spi.Capability;
import dev.memtable.spi.Ranges;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Backends for the self-test in the manner of the skip-list backend: a sorted map from the JDK
 * from each key to its chain of versions, newest first (a copy of {@code dev.memtable.spi.Versions}
 * as the skip-list backend uses it), behind {@link AbstractMemTable}; correct, or with exactly one
 * deliberate {@link Flaw} in its map, its chain, its {@code do…} methods or its provider. They
 * declare no {@link Capability#WAL}, so the rules that need a log are skipped for them: those are
 * proven on {@link HandWrittenProvider} and on the set flaws.
 */
final class FlawedProvider extends AbstractMemTableProvider {

    /** The one thing a backend gets wrong. */
    enum Flaw {
        NONE("None: a correct backend."),
        SIGNED_ORDER("Orders keys by signed bytes (Arrays.compare), so 0x80 sorts first."),
        DROPS_TOMBSTONES("Deletes remove the key instead of storing a tombstone."),
        SKIPS_DELETE_OF_ABSENT_KEY("A delete of a key the table does not hold is skipped: "
                + "\"nothing to delete\"."),
        TOMBSTONE_AS_ZERO_BYTE("Stores a tombstone as the one byte 00 (a \"deleted\" marker) and "
                + "reads that byte back as a tombstone, so a real one-byte value 00 reads as "
                + "deleted."),
        PUT_IF_ABSENT("Only the first write of a key is stored (map.putIfAbsent of the chain), "
                + "so an overwrite keeps the old value."),
        OVERWRITES_IN_PLACE("Overwrites in place: when the new value fits in the bytes of the "
                + "newest one, they are copied over it, and the new version keeps the old "
                + "value's length."),
        GET_ABSENT_AS_TOMBSTONE("doGet answers a missing key with the empty value: a tombstone."),
        GET_CEILING_ENTRY("doGet uses ceilingEntry: the nearest key at or after the one asked."),
        GET_REUSES_SCRATCH_BUFFER("doGet copies the value into a per-thread scratch array and "
                + "returns a view of it, saving an allocation; the next get on that thread "
                + "overwrites it."),
        EMPTY_KEY_STORED_AS_ZERO_BYTE("Stores the empty key as the one byte 00 (\"a key needs at "
                + "least one byte\")."),
        IS_EMPTY_BY_FIRST_KEY("doIsEmpty asks map.firstKey() == null, which throws on an empty "
                + "map."),
        IS_EMPTY_COUNTS_LIVE_VALUES("doIsEmpty counts keys whose newest version has a value, so "
                + "a table of tombstones looks empty."),
        ID_AS_INT("The provider passes the id to the table as an int."),
        NAME_FROM_CLASS("The provider's name() is its class's simple name."),
        MAP_SHARED_BY_TABLES("Every table of one provider shares one map (a field of the "
                + "provider)."),
        INCLUDES_EXCLUDED_BOUNDS("Scans treat excluded bounds as included."),
        UPPER_BOUND_ALWAYS_EXCLUDED("Scans use headMap(upper), which excludes its key, for "
                + "included upper bounds too."),
        UNBOUNDED_LOWER_FROM_FIRST_KEY("An unbounded lower bound is turned into "
                + "included(map.firstKey()), which throws on an empty map."),
        SYNCHRONIZED_TREE_MAP("The map is a Collections.synchronizedNavigableMap of a TreeMap "
                + "instead of a concurrent map: single calls are safe, but its iterators fail "
                + "when the map changes."),
        LOSES_CONCURRENT_WRITES("A put that starts while another put is in progress is silently "
                + "dropped (a lock taken with tryLock whose failure is ignored). Each put spins "
                + "a few microseconds before it stores, so two writer threads overlap, and "
                + "writes are lost, many times per second, while one thread alone never loses "
                + "anything."),
        // ---- the version chain
        NEWEST_IS_LAST_INSERTED("A new version always becomes the head of its key's chain (the "
                + "author assumed sequences arrive in order), so a late write with a lower "
                + "sequence hides a newer one."),
        EQUAL_SEQUENCE_ADDS_VERSION("A write at a sequence the key already has links a second "
                + "version behind the first instead of replacing its value."),
        VISIBLE_BELOW_SEQUENCE("A read at sequence s sees versions below s only (< for <=), so "
                + "a version is invisible at its own sequence; the newest reads, at "
                + "Long.MAX_VALUE, are unaffected."),
        TOMBSTONE_FALLS_THROUGH("A read below the newest (any sequence but Long.MAX_VALUE, "
                + "whose fast path reads the head) walks past tombstones to the first version "
                + "with a value: \"a deleted version is not visible\"."),
        HEAD_INSTALLED_WITHOUT_CAS("A version newer than the head is installed with map.put "
                + "instead of replace(key, head, newer), so of two racing writers of one key "
                + "the one that installs last drops the other's version. (The writer passes a "
                + "RaceWindow between reading the head and installing, so that the race shows "
                + "on every run.)"),
        LINKS_BEFORE_FILLING("A version older than the head is linked into the chain first and "
                + "given its link to the older versions afterwards, so for a moment a reader "
                + "walking the chain finds nothing below it. (The writer passes a RaceWindow "
                + "between the two, so that readers get there on every run.)");

        private final String description;

        Flaw(String description) {
            this.description = description;
        }

        /** The bug, as a backend author would make it. */
        String description() {
            return description;
        }
    }

    private static final Bytes ZERO = Bytes.wrap(new byte[] {0});

    private final Flaw flaw;
    private final Set<Capability> capabilities;
    private final NavigableMap<Bytes, Version> sharedMap;

    FlawedProvider(Flaw flaw, Set<Capability> capabilities) {
        this.flaw = flaw;
        this.capabilities = Set.copyOf(capabilities);
        this.sharedMap = flaw == Flaw.MAP_SHARED_BY_TABLES ? new ConcurrentSkipListMap<>() : null;
    }

    @Override
    public String name() {
        if (flaw == Flaw.NAME_FROM_CLASS) {
            return getClass().getSimpleName();
        }
        return "flawed-" + flaw.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public AbstractMemTable create(long id) {
        return new FlawedTable(flaw == Flaw.ID_AS_INT ? (int) id : id, flaw, sharedMap);
    }

    /**
     * One version of a key and the next older one: a copy of {@code Versions.Version}, with the
     * chain's flaws.
     */
    private static final class Version {
        private static final VarHandle OLDER;

        static {
            try {
                OLDER = MethodHandles.lookup().findVarHandle(Version.class, "older",
                        Version.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final long sequence;
        volatile Bytes value;
        volatile Version older;

        Version(long sequence, Bytes value, Version older) {
            this.sequence = sequence;
            this.value = value;
            this.older = older;
        }

        /** The first version of the chain from here at or below {@code read}, or null. */
        Version visibleAt(long read, Flaw flaw) {
            Version v = this;
            if (flaw == Flaw.VISIBLE_BELOW_SEQUENCE) {
                while (v != null && v.sequence >= read) {
                    v = v.older;
                }
                return v;
            }
            while (v != null && v.sequence > read) {
                v = v.older;
            }
            if (flaw == Flaw.TOMBSTONE_FALLS_THROUGH && read != Long.MAX_VALUE) {
                while (v != null && v.value.isEmpty()) {
                    v = v.older;
                }
            }
            return v;
        }

        /** Adds {@code (sequence, value)} below this version, which is not older. */
        void addBelow(long sequence, Bytes value, Flaw flaw, RaceWindow window) {
            Version pred = this;
            while (true) {
                if (pred.sequence == sequence && flaw != Flaw.EQUAL_SEQUENCE_ADDS_VERSION) {
                    pred.value = value;
                    return;
                }
                Version next = pred.older;
                if (next != null && next.sequence >= sequence) {
                    pred = next;
                    continue;
                }
                if (flaw == Flaw.LINKS_BEFORE_FILLING) {
                    Version node = new Version(sequence, value, null);
                    if (OLDER.compareAndSet(pred, next, node)) {
                        window.widen();
                        node.older = next; // the flaw: linked before its own link was set
                        return;
                    }
                    continue;
                }
                if (OLDER.compareAndSet(pred, next, new Version(sequence, value, next))) {
                    return;
                }
            }
        }
    }

    private static final class FlawedTable extends AbstractMemTable {
        private static final ThreadLocal<byte[]> SCRATCH =
                ThreadLocal.withInitial(() -> new byte[64]);

        private final Flaw flaw;
        private final NavigableMap<Bytes, Version> map;
        private final AtomicInteger putsInProgress = new AtomicInteger();
        private final RaceWindow window = new RaceWindow();

        FlawedTable(long id, Flaw flaw, NavigableMap<Bytes, Version> shared) {
            super(id);
            this.flaw = flaw;
            Comparator<Bytes> signed = FlawedTable::compareSigned;
            this.map = switch (flaw) {
                case SIGNED_ORDER -> new ConcurrentSkipListMap<>(signed);
                case MAP_SHARED_BY_TABLES -> shared;
                case SYNCHRONIZED_TREE_MAP -> Collections.synchronizedNavigableMap(new TreeMap<>());
                default -> new ConcurrentSkipListMap<>();
            };
        }

        /** The flaw: {@code Arrays.compare} reads bytes as signed, so 0x80..0xff sort first. */
        private static int compareSigned(Bytes a, Bytes b) {
            return Arrays.compare(a.toByteArray(), b.toByteArray());
        }

        @Override
        protected void doPut(Bytes key, Bytes value, long sequence) {
            if (flaw == Flaw.EMPTY_KEY_STORED_AS_ZERO_BYTE && key.isEmpty()) {
                key = ZERO;
            }
            switch (flaw) {
                case DROPS_TOMBSTONES -> {
                    if (value.isEmpty()) {
                        map.remove(key);
                    } else {
                        link(key, value, sequence);
                    }
                }
                case SKIPS_DELETE_OF_ABSENT_KEY -> {
                    if (!value.isEmpty() || map.containsKey(key)) {
                        link(key, value, sequence);
                    }
                }
                case TOMBSTONE_AS_ZERO_BYTE -> link(key, value.isEmpty() ? ZERO : value, sequence);
                case PUT_IF_ABSENT -> map.putIfAbsent(key, new Version(sequence, value, null));
                case OVERWRITES_IN_PLACE -> {
                    Version head = map.get(key);
                    Bytes old = head == null ? null : head.value;
                    if (old != null && !value.isEmpty() && value.length() <= old.length()) {
                        byte[] slot = old.toByteArray();
                        value.copyTo(slot, 0);
                        link(key, Bytes.wrap(slot), sequence);
                    } else {
                        link(key, value, sequence);
                    }
                }
                case LOSES_CONCURRENT_WRITES -> {
                    try {
                        if (putsInProgress.incrementAndGet() == 1) {
                            for (int i = 0; i < 200; i++) {
                                Thread.onSpinWait();
                            }
                            link(key, value, sequence);
                        }
                    } finally {
                        putsInProgress.decrementAndGet();
                    }
                }
                default -> link(key, value, sequence);
            }
        }

        /** {@code Versions.put}: a new key, a new head, or a version linked below the head. */
        private void link(Bytes key, Bytes value, long sequence) {
            Version head = map.putIfAbsent(key, new Version(sequence, value, null));
            while (head != null) {
                if (flaw == Flaw.NEWEST_IS_LAST_INSERTED) {
                    if (map.replace(key, head, new Version(sequence, value, head))) {
                        return;
                    }
                    head = map.get(key);
                    continue;
                }
                if (sequence <= head.sequence) {
                    head.addBelow(sequence, value, flaw, window);
                    return;
                }
                Version newer = new Version(sequence, value, head);
                if (flaw == Flaw.HEAD_INSTALLED_WITHOUT_CAS) {
                    window.widen();
                    map.put(key, newer);
                    return;
                }
                if (map.replace(key, head, newer)) {
                    return;
                }
                head = map.get(key);
            }
        }

        @Override
        protected Bytes doGet(Bytes key, long sequence) {
            if (flaw == Flaw.EMPTY_KEY_STORED_AS_ZERO_BYTE && key.isEmpty()) {
                key = ZERO;
            }
            switch (flaw) {
                case TOMBSTONE_AS_ZERO_BYTE -> {
                    Bytes v = valueAt(map.get(key), sequence);
                    return ZERO.equals(v) ? Bytes.EMPTY : v;
                }
                case GET_ABSENT_AS_TOMBSTONE -> {
                    Bytes v = valueAt(map.get(key), sequence);
                    return v == null ? Bytes.EMPTY : v;
                }
                case GET_CEILING_ENTRY -> {
                    Map.Entry<Bytes, Version> e = map.ceilingEntry(key);
                    return e == null ? null : valueAt(e.getValue(), sequence);
                }
                case GET_REUSES_SCRATCH_BUFFER -> {
                    Bytes v = valueAt(map.get(key), sequence);
                    if (v == null) {
                        return null;
                    }
                    byte[] scratch = SCRATCH.get();
                    if (scratch.length < v.length()) {
                        scratch = new byte[v.length()];
                        SCRATCH.set(scratch);
                    }
                    v.copyTo(scratch, 0);
                    return Bytes.wrap(scratch, 0, v.length());
                }
                default -> {
                    return valueAt(map.get(key), sequence);
                }
            }
        }

        private Bytes valueAt(Version head, long sequence) {
            Version v = head == null ? null : head.visibleAt(sequence, flaw);
            return v == null ? null : v.value;
        }

        @Override
        protected MemTableIterator doScan(Bound lower, Bound upper, long sequence) {
            return wrap(new VisibleCursor(range(lower, upper), sequence, flaw));
        }

        @Override
        protected MemTableIterator doVersions(Bound lower, Bound upper) {
            return wrap(new AllVersionsCursor(range(lower, upper)));
        }

        private Iterator<Map.Entry<Bytes, Version>> range(Bound lower, Bound upper) {
            switch (flaw) {
                case INCLUDES_EXCLUDED_BOUNDS -> {
                    lower = lower.isUnbounded() ? lower : Bound.included(lower.keyOrNull());
                    upper = upper.isUnbounded() ? upper : Bound.included(upper.keyOrNull());
                }
                case UPPER_BOUND_ALWAYS_EXCLUDED ->
                        upper = upper.isUnbounded() ? upper : Bound.excluded(upper.keyOrNull());
                case UNBOUNDED_LOWER_FROM_FIRST_KEY ->
                        lower = lower.isUnbounded() ? Bound.included(map.firstKey()) : lower;
                default -> {
                }
            }
            return Ranges.view(map, lower, upper).entrySet().iterator();
        }

        private MemTableIterator wrap(MemTableIterator it) {
            return flaw == Flaw.TOMBSTONE_AS_ZERO_BYTE ? new ZeroAsTombstone(it) : it;
        }

        @Override
        protected boolean doIsEmpty() {
            return switch (flaw) {
                case IS_EMPTY_BY_FIRST_KEY -> map.firstKey() == null;
                case IS_EMPTY_COUNTS_LIVE_VALUES ->
                        map.values().stream().allMatch(v -> v.value.isEmpty());
                default -> map.isEmpty();
            };
        }
    }

    /** The version visible at a sequence of each map entry (keys without one left out). */
    private static final class VisibleCursor implements MemTableIterator {
        private final Iterator<Map.Entry<Bytes, Version>> entries;
        private final long sequence;
        private final Flaw flaw;
        private Bytes key;
        private Version version;

        VisibleCursor(Iterator<Map.Entry<Bytes, Version>> entries, long sequence, Flaw flaw) {
            this.entries = entries;
            this.sequence = sequence;
            this.flaw = flaw;
            advance();
        }

        private void advance() {
            while (entries.hasNext()) {
                Map.Entry<Bytes, Version> e = entries.next();
                Version v = e.getValue().visibleAt(sequence, flaw);
                if (v != null) {
                    key = e.getKey();
                    version = v;
                    return;
                }
            }
            key = null;
            version = null;
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
            return version.value;
        }

        @Override
        public long sequence() {
            check();
            return version.sequence;
        }

        private void check() {
            if (key == null) {
                throw new NoSuchElementException("not positioned on an entry");
            }
        }

        @Override
        public void next() {
            if (key != null) {
                advance();
            }
        }

        @Override
        public void close() {
            key = null;
            version = null;
        }
    }

    /** Every version of each map entry, newest first within a key. */
    private static final class AllVersionsCursor implements MemTableIterator {
        private final Iterator<Map.Entry<Bytes, Version>> entries;
        private Bytes key;
        private Version version;
        private Bytes value;

        AllVersionsCursor(Iterator<Map.Entry<Bytes, Version>> entries) {
            this.entries = entries;
            nextKey();
        }

        private void nextKey() {
            if (entries.hasNext()) {
                Map.Entry<Bytes, Version> e = entries.next();
                key = e.getKey();
                version = e.getValue();
                value = version.value;
            } else {
                key = null;
                version = null;
                value = null;
            }
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
                throw new NoSuchElementException("not positioned on an entry");
            }
        }

        @Override
        public void next() {
            if (key == null) {
                return;
            }
            Version older = version.older;
            if (older != null) {
                version = older;
                value = older.value;
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

    /** Reads the stored tombstone marker {@code 00} back as the empty value. */
    private record ZeroAsTombstone(MemTableIterator inner) implements MemTableIterator {
        @Override
        public boolean isValid() {
            return inner.isValid();
        }

        @Override
        public Bytes key() {
            return inner.key();
        }

        @Override
        public Bytes value() {
            Bytes v = inner.value();
            return ZERO.equals(v) ? Bytes.EMPTY : v;
        }

        @Override
        public long sequence() {
            return inner.sequence();
        }

        @Override
        public void next() {
            inner.next();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
