package dev.memtable.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Heap bytes per entry of a loaded table: the one probe behind the "heap B/entry" column of
 * {@code memtable bench} and the heap column of the benchmarks' {@code MemoryFootprint}, so that
 * both publish the same figure for the same backend and sizes. Public for the benchmarks module,
 * which has it on its class path; the command line's module exports nothing, so library users
 * never see it.
 *
 * <p>Method: wait until the used heap is quiet, load the table, wait until it is quiet again
 * while the table is still strongly held; bytes per entry = (after − before) / entries. The
 * table is opened before the first reading, so what opening it costs is not counted.
 *
 * <p>Quiet means: a full collection is run at least {@value #MIN_COLLECTIONS} times, and again
 * until one frees less than 0.1 % of the used heap, at most {@value #MAX_COLLECTIONS} times; the
 * reading is the smallest used heap seen (a reading that rises came from some other thread's
 * allocation, not from the table).
 *
 * <p>Not thread-safe; meant for one measuring thread. Other threads that allocate or free memory
 * while it runs (a JIT compiler thread, a previous table's clean-up) blur the figure: measure
 * with nothing else running.
 */
public final class HeapProbe {

    /** Full collections before any reading counts as quiet. */
    public static final int MIN_COLLECTIONS = 3;
    /** Full collections after which the smallest reading is taken even if not yet quiet. */
    public static final int MAX_COLLECTIONS = 10;
    /** Pause after each {@code System.gc()}, for the reference handler and cleaners to run. */
    private static final long SETTLE_MILLIS = 100;

    private final Runnable collect;
    private final LongSupplier usedHeap;

    /**
     * A probe over any heap (for tests).
     *
     * @param collect runs one full collection and returns once it is done
     * @param usedHeap reads the used heap in bytes
     */
    HeapProbe(Runnable collect, LongSupplier usedHeap) {
        this.collect = Objects.requireNonNull(collect, "collect");
        this.usedHeap = Objects.requireNonNull(usedHeap, "usedHeap");
    }

    /**
     * Returns a probe of this JVM's heap: a collection is {@code System.gc()} followed by a
     * 100 ms pause, a reading is {@link MemoryMXBean#getHeapMemoryUsage()}'s used bytes. The
     * figures assume that {@code System.gc()} runs a full collection (the default; not with
     * {@code -XX:+DisableExplicitGC} or {@code -XX:+ExplicitGCInvokesConcurrent}).
     *
     * @return a new probe; never null
     */
    public static HeapProbe ofThisJvm() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        return new HeapProbe(HeapProbe::collectAndSettle,
                () -> memory.getHeapMemoryUsage().getUsed());
    }

    /**
     * Measures the heap that {@code load} adds to {@code table}: a quiet reading, then
     * {@code load.accept(table)}, then a quiet reading while {@code table} is still strongly
     * held (this method holds it until the second reading is taken).
     *
     * @param table the table, open and empty (or holding what should not count); not null
     * @param entries how many entries {@code load} puts, the divisor; at least 1
     * @param load puts the entries into the table; what it throws is thrown unchanged and
     *     nothing is measured
     * @param <T> the table's type
     * @return the two readings and the entry count; never null
     * @throws IllegalArgumentException if {@code entries} is below 1 (before anything runs)
     * @throws NullPointerException if {@code table} or {@code load} is null
     * @throws IllegalStateException if the thread is interrupted while the heap settles (the
     *     interrupt flag is set again)
     */
    public <T> Footprint measure(T table, int entries, Consumer<? super T> load) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(load, "load");
        if (entries < 1) {
            throw new IllegalArgumentException("entries must be at least 1, not " + entries);
        }
        long before = quietHeap();
        load.accept(table);
        long after = quietHeap();
        Reference.reachabilityFence(table);
        return new Footprint(before, after, entries);
    }

    /**
     * Runs full collections until the used heap is quiet (see the class comment) and returns
     * the smallest reading.
     *
     * @return used heap bytes
     * @throws IllegalStateException if the thread is interrupted while the heap settles
     */
    public long quietHeap() {
        long smallest = Long.MAX_VALUE;
        long previous = Long.MAX_VALUE;
        for (int i = 1; i <= MAX_COLLECTIONS; i++) {
            collect.run();
            long used = usedHeap.getAsLong();
            smallest = Math.min(smallest, used);
            if (i >= MIN_COLLECTIONS && used >= previous - previous / 1000) {
                break;
            }
            previous = used;
        }
        return smallest;
    }

    private static void collectAndSettle() {
        System.gc();
        try {
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the heap settled", e);
        }
    }

    /**
     * What one {@link #measure} saw.
     *
     * @param heapBefore used heap before the load, in bytes
     * @param heapAfter used heap after the load, in bytes
     * @param entries the entry count the load put
     */
    public record Footprint(long heapBefore, long heapAfter, int entries) {

        /**
         * Checks the entry count.
         *
         * @throws IllegalArgumentException if {@code entries} is below 1
         */
        public Footprint {
            if (entries < 1) {
                throw new IllegalArgumentException("entries must be at least 1, not " + entries);
            }
        }

        /**
         * Returns the bytes the loaded table retains: after − before. Negative only if memory
         * counted in the first reading was freed during the load; reported as measured.
         *
         * @return retained bytes
         */
        public long retained() {
            return heapAfter - heapBefore;
        }

        /**
         * Returns the retained bytes per entry.
         *
         * @return {@link #retained()} / {@link #entries()}
         */
        public double bytesPerEntry() {
            return (double) retained() / entries;
        }
    }
}
