package dev.memtable.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeapProbeTest {

    /** A heap that returns the given readings in turn, one per collection, then the last. */
    private static final class ScriptedHeap {
        final long[] readings;
        int collections;

        ScriptedHeap(long... readings) {
            this.readings = readings;
        }

        HeapProbe probe() {
            return new HeapProbe(() -> collections++,
                    () -> readings[Math.min(collections, readings.length) - 1]);
        }
    }

    @Test
    void quietHeap_stableFromTheStart_stillRunsTheMinimumOfCollections() {
        ScriptedHeap heap = new ScriptedHeap(500, 500, 500, 500, 500);
        assertEquals(500, heap.probe().quietHeap());
        assertEquals(HeapProbe.MIN_COLLECTIONS, heap.collections);
    }

    @Test
    void quietHeap_shrinkingThenStable_stopsAtTheFirstCollectionThatFreesLittle() {
        ScriptedHeap heap = new ScriptedHeap(10_000, 9_000, 8_000, 7_000, 6_999, 1);
        assertEquals(6_999, heap.probe().quietHeap());
        assertEquals(5, heap.collections);
    }

    @Test
    void quietHeap_freesExactlyATenthOfAPercent_countsAsQuiet() {
        // 1,000,000 - 1,000 is the threshold: freeing 1,000 bytes of 1,000,000 is quiet, 1,001
        // is not.
        ScriptedHeap quiet = new ScriptedHeap(1_500_000, 1_000_000, 999_000, 1);
        assertEquals(999_000, quiet.probe().quietHeap());
        assertEquals(3, quiet.collections);
        ScriptedHeap notQuiet = new ScriptedHeap(1_500_000, 1_000_000, 998_999, 998_999, 1);
        assertEquals(998_999, notQuiet.probe().quietHeap());
        assertEquals(4, notQuiet.collections);
    }

    @Test
    void quietHeap_neverQuiet_stopsAtTheMaximumWithTheSmallestReading() {
        List<Long> readings = new ArrayList<>();
        for (long r = 1 << 20; readings.size() < 2 * HeapProbe.MAX_COLLECTIONS; r /= 2) {
            readings.add(r);
        }
        ScriptedHeap heap = new ScriptedHeap(readings.stream().mapToLong(Long::longValue)
                .toArray());
        assertEquals((1 << 20) >> (HeapProbe.MAX_COLLECTIONS - 1), heap.probe().quietHeap());
        assertEquals(HeapProbe.MAX_COLLECTIONS, heap.collections);
    }

    @Test
    void quietHeap_readingRises_returnsTheSmallestReading() {
        ScriptedHeap heap = new ScriptedHeap(2_000, 1_000, 1_500, 1);
        assertEquals(1_000, heap.probe().quietHeap());
        assertEquals(3, heap.collections);
    }

    @Test
    void measure_loadAddsBytes_retainedDividedByEntries() {
        AtomicLong used = new AtomicLong(40_000_000);
        HeapProbe probe = new HeapProbe(() -> { }, used::get);
        Object table = new Object();
        AtomicInteger loads = new AtomicInteger();
        HeapProbe.Footprint f = probe.measure(table, 1_000, t -> {
            assertSame(table, t);
            loads.incrementAndGet();
            used.addAndGet(138_250);
        });
        assertEquals(1, loads.get());
        assertEquals(40_000_000, f.heapBefore());
        assertEquals(40_138_250, f.heapAfter());
        assertEquals(138_250, f.retained());
        assertEquals(138.25, f.bytesPerEntry(), 1e-9);
    }

    @Test
    void measure_heapShrankDuringLoad_reportsTheNegativeFigureAsMeasured() {
        AtomicLong used = new AtomicLong(1_000);
        HeapProbe probe = new HeapProbe(() -> { }, used::get);
        HeapProbe.Footprint f = probe.measure("table", 4, t -> used.set(990));
        assertEquals(-10, f.retained());
        assertEquals(-2.5, f.bytesPerEntry(), 1e-9);
    }

    @Test
    void measure_entriesBelowOne_throwsBeforeLoading() {
        AtomicInteger collections = new AtomicInteger();
        HeapProbe probe = new HeapProbe(collections::incrementAndGet, () -> 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> probe.measure("table", 0, t -> {
                    throw new AssertionError("loaded");
                }));
        assertEquals("entries must be at least 1, not 0", e.getMessage());
        assertEquals(0, collections.get());
    }

    @Test
    void measure_nullTableOrLoad_throwsNamingIt() {
        HeapProbe probe = new HeapProbe(() -> { }, () -> 0);
        assertEquals("table", assertThrows(NullPointerException.class,
                () -> probe.measure(null, 1, t -> { })).getMessage());
        assertEquals("load", assertThrows(NullPointerException.class,
                () -> probe.measure("table", 1, null)).getMessage());
    }

    @Test
    void measure_loadThrows_propagatesUnchangedAndReadsNoMore() {
        AtomicInteger collections = new AtomicInteger();
        HeapProbe probe = new HeapProbe(collections::incrementAndGet, () -> 7);
        IllegalStateException boom = new IllegalStateException("arena full");
        assertSame(boom, assertThrows(IllegalStateException.class,
                () -> probe.measure("table", 1, t -> {
                    throw boom;
                })));
        assertEquals(HeapProbe.MIN_COLLECTIONS, collections.get());
    }

    @Test
    void footprint_entriesBelowOne_throws() {
        assertThrows(IllegalArgumentException.class, () -> new HeapProbe.Footprint(0, 1, 0));
    }

    @Test
    void ofThisJvm_tableHeldStrongly_retainsAtLeastItsArrays() {
        // A real heap: 64 arrays of 64 KiB held by the "table" must show up as retained.
        List<byte[]> table = new ArrayList<>();
        HeapProbe.Footprint f = HeapProbe.ofThisJvm().measure(table, 64, t -> {
            for (int i = 0; i < 64; i++) {
                t.add(new byte[64 << 10]);
            }
        });
        assertTrue(f.bytesPerEntry() >= 64 << 10, "bytes per entry " + f.bytesPerEntry());
        assertTrue(f.bytesPerEntry() < 2 * (64 << 10), "bytes per entry " + f.bytesPerEntry());
    }
}
