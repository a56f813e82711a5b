package dev.memtable.tck;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.AbstractMemTableProvider;
import dev.memtable.spi.Capability;
import dev.memtable.spi.Ranges;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Backends for the self-test: a correct one on a {@link ConcurrentSkipListMap}, and the same with
 * exactly one deliberate {@link Flaw}. They never declare {@link Capability#WAL} (no log
 * implementation is on the tck's test path), so rules that need a log are skipped for them.
 */
final class FlawedProvider extends AbstractMemTableProvider {

    /** The one thing a backend gets wrong. */
    enum Flaw {
        /** None: a correct backend. */
        NONE,
        /** Orders keys by signed bytes ({@code Arrays.compare}), so {@code 0x80} sorts first. */
        SIGNED_ORDER,
        /** Deletes remove the key instead of storing a tombstone. */
        DROPS_TOMBSTONES,
        /** Scans treat excluded bounds as included. */
        INCLUDES_EXCLUDED_BOUNDS,
        /**
         * A put that starts while another put is in progress is silently dropped. Each put spins
         * a few microseconds before it stores, so two writer threads overlap, and writes are lost,
         * many times per second, while one thread alone never loses anything.
         */
        LOSES_CONCURRENT_WRITES
    }

    private final Flaw flaw;
    private final Set<Capability> capabilities;

    FlawedProvider(Flaw flaw, Set<Capability> capabilities) {
        this.flaw = flaw;
        this.capabilities = Set.copyOf(capabilities);
    }

    @Override
    public String name() {
        return "flawed-" + flaw.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public AbstractMemTable create(long id) {
        return new FlawedTable(id, flaw);
    }

    private static final class FlawedTable extends AbstractMemTable {
        private final Flaw flaw;
        private final ConcurrentSkipListMap<Bytes, Bytes> map;
        private final AtomicInteger putsInProgress = new AtomicInteger();

        FlawedTable(long id, Flaw flaw) {
            super(id);
            this.flaw = flaw;
            this.map = flaw == Flaw.SIGNED_ORDER
                    ? new ConcurrentSkipListMap<>(FlawedTable::compareSigned)
                    : new ConcurrentSkipListMap<>();
        }

        /** The flaw: {@code Arrays.compare} reads bytes as signed, so 0x80..0xff sort first. */
        private static int compareSigned(Bytes a, Bytes b) {
            return Arrays.compare(a.toByteArray(), b.toByteArray());
        }

        @Override
        protected void doPut(Bytes key, Bytes value) {
            if (flaw == Flaw.DROPS_TOMBSTONES && value.isEmpty()) {
                map.remove(key);
            } else if (flaw == Flaw.LOSES_CONCURRENT_WRITES) {
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
            } else {
                map.put(key, value);
            }
        }

        @Override
        protected Bytes doGet(Bytes key) {
            return map.get(key);
        }

        @Override
        protected MemTableIterator doScan(Bound lower, Bound upper) {
            if (flaw == Flaw.INCLUDES_EXCLUDED_BOUNDS) {
                lower = lower.isUnbounded() ? lower : Bound.included(lower.keyOrNull());
                upper = upper.isUnbounded() ? upper : Bound.included(upper.keyOrNull());
            }
            return Ranges.scan(map, lower, upper);
        }

        @Override
        protected boolean doIsEmpty() {
            return map.isEmpty();
        }
    }
}
