package dev.memtable.set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Unit tests of {@link Watermark}: a sorted multiset of open snapshot sequences. */
class WatermarkTest {

    @Test
    void countsSnapshotsThatShareASequence() {
        Watermark w = new Watermark();
        assertEquals(7, w.lowest(7), "none open: the fallback");
        w.add(5);
        w.add(3);
        w.add(5);
        assertEquals(3, w.lowest(7));
        assertEquals(3, w.openSnapshots());
        assertArrayEquals(new long[] {3, 5}, w.sequences());
        w.remove(3);
        assertEquals(5, w.lowest(7));
        w.remove(5);
        assertEquals(5, w.lowest(7), "one snapshot at 5 is still open");
        w.remove(5);
        assertEquals(7, w.lowest(7));
        assertEquals(0, w.openSnapshots());
    }

    @Test
    void seesBetween_isTheHalfOpenInterval() {
        long[] snapshots = {10, 20};
        assertTrue(Watermark.seesBetween(snapshots, 10, 11), "a snapshot exactly at the version");
        assertTrue(Watermark.seesBetween(snapshots, 5, 11));
        assertFalse(Watermark.seesBetween(snapshots, 5, 10), "the newer version is at 10");
        assertFalse(Watermark.seesBetween(snapshots, 11, 20));
        assertTrue(Watermark.seesBetween(snapshots, 11, 21));
        assertFalse(Watermark.seesBetween(snapshots, 21, 30), "no snapshot at or above 21");
        assertFalse(Watermark.seesBetween(new long[0], 1, 100));
    }
}
