package dev.memtable.tck;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.AbstractMemTableProvider;
import dev.memtable.spi.Capability;
import dev.memtable.spi.Ranges;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Backends for the self-test in the manner of the skip-list backend: a sorted map from the JDK
 * behind {@link AbstractMemTable}, correct, or with exactly one deliberate {@link Flaw} in its
 * map, its {@code do…} methods or its provider. They declare no {@link Capability#WAL}, so the
 * rules that need a log are skipped for them: those are proven on {@link HandWrittenProvider}
 * and on the set flaws.
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
        PUT_IF_ABSENT("Puts with putIfAbsent, so an overwrite keeps the old value."),
        OVERWRITES_IN_PLACE("Overwrites in place: when the new value fits in the old one's "
                + "bytes, they are copied over the old value, which keeps its length."),
        GET_ABSENT_AS_TOMBSTONE("doGet answers a missing key with the empty value: a tombstone."),
        GET_CEILING_ENTRY("doGet uses ceilingEntry: the nearest key at or after the one asked."),
        GET_REUSES_SCRATCH_BUFFER("doGet copies the value into a per-thread scratch array and "
                + "returns a view of it, saving an allocation; the next get on that thread "
                + "overwrites it."),
        EMPTY_KEY_STORED_AS_ZERO_BYTE("Stores the empty key as the one byte 00 (\"a key needs at "
                + "least one byte\")."),
        IS_EMPTY_BY_FIRST_KEY("doIsEmpty asks map.firstKey() == null, which throws on an empty "
                + "map."),
        IS_EMPTY_COUNTS_LIVE_VALUES("doIsEmpty counts live values only, so a table of tombstones "
                + "looks empty."),
        IS_EMPTY_BY_SIZE("doIsEmpty answers approximateSize() == 0."),
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
                + "anything.");

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
    private final NavigableMap<Bytes, Bytes> sharedMap;

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

    private static final class FlawedTable extends AbstractMemTable {
        private static final ThreadLocal<byte[]> SCRATCH =
                ThreadLocal.withInitial(() -> new byte[64]);

        private final Flaw flaw;
        private final NavigableMap<Bytes, Bytes> map;
        private final AtomicInteger putsInProgress = new AtomicInteger();

        FlawedTable(long id, Flaw flaw, NavigableMap<Bytes, Bytes> shared) {
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
        protected void doPut(Bytes key, Bytes value) {
            if (flaw == Flaw.EMPTY_KEY_STORED_AS_ZERO_BYTE && key.isEmpty()) {
                key = ZERO;
            }
            switch (flaw) {
                case DROPS_TOMBSTONES -> {
                    if (value.isEmpty()) {
                        map.remove(key);
                    } else {
                        map.put(key, value);
                    }
                }
                case SKIPS_DELETE_OF_ABSENT_KEY -> {
                    if (!value.isEmpty() || map.containsKey(key)) {
                        map.put(key, value);
                    }
                }
                case TOMBSTONE_AS_ZERO_BYTE -> map.put(key, value.isEmpty() ? ZERO : value);
                case PUT_IF_ABSENT -> map.putIfAbsent(key, value);
                case OVERWRITES_IN_PLACE -> {
                    Bytes old = map.get(key);
                    if (old != null && !value.isEmpty() && value.length() <= old.length()) {
                        byte[] slot = old.toByteArray();
                        value.copyTo(slot, 0);
                        map.put(key, Bytes.wrap(slot));
                    } else {
                        map.put(key, value);
                    }
                }
                case LOSES_CONCURRENT_WRITES -> {
                    try {
                        if (putsInProgress.incrementAndGet() == 1) {
                            for (int i = 0; i < 200; i++) {
                                Thread.onSpinWait();
                            }
                            map.put(key, value);
                        }
                    } finally {
                        putsInProgress.decrementAndGet();
                    }
                }
                default -> map.put(key, value);
            }
        }

        @Override
        protected Bytes doGet(Bytes key) {
            if (flaw == Flaw.EMPTY_KEY_STORED_AS_ZERO_BYTE && key.isEmpty()) {
                key = ZERO;
            }
            switch (flaw) {
                case TOMBSTONE_AS_ZERO_BYTE -> {
                    Bytes v = map.get(key);
                    return ZERO.equals(v) ? Bytes.EMPTY : v;
                }
                case GET_ABSENT_AS_TOMBSTONE -> {
                    return map.getOrDefault(key, Bytes.EMPTY);
                }
                case GET_CEILING_ENTRY -> {
                    Map.Entry<Bytes, Bytes> e = map.ceilingEntry(key);
                    return e == null ? null : e.getValue();
                }
                case GET_REUSES_SCRATCH_BUFFER -> {
                    Bytes v = map.get(key);
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
                    return map.get(key);
                }
            }
        }

        @Override
        protected MemTableIterator doScan(Bound lower, Bound upper) {
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
            MemTableIterator entries = Ranges.scan(map, lower, upper);
            return flaw == Flaw.TOMBSTONE_AS_ZERO_BYTE ? new ZeroAsTombstone(entries) : entries;
        }

        @Override
        protected boolean doIsEmpty() {
            return switch (flaw) {
                case IS_EMPTY_BY_FIRST_KEY -> map.firstKey() == null;
                case IS_EMPTY_COUNTS_LIVE_VALUES -> map.values().stream().allMatch(Bytes::isEmpty);
                case IS_EMPTY_BY_SIZE -> approximateSize() == 0;
                default -> map.isEmpty();
            };
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
        public void next() {
            inner.next();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
