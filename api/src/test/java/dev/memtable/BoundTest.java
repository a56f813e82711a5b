package dev.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BoundTest {
    private static final Bytes A = Bytes.ofUtf8("a");
    private static final Bytes B = Bytes.ofUtf8("b");

    @Test
    void factories_buildTheThreeKinds() {
        assertEquals(new Bound.Included(A), Bound.included(A));
        assertEquals(new Bound.Excluded(A), Bound.excluded(A));
        assertSame(Bound.unbounded(), Bound.unbounded());
        assertNull(Bound.unbounded().keyOrNull());
        assertEquals(A, Bound.excluded(A).keyOrNull());
        assertTrue(Bound.included(A).isInclusive());
        assertFalse(Bound.excluded(A).isInclusive());
        assertTrue(Bound.unbounded().isUnbounded());
        assertEquals("included(b\"a\")", Bound.included(A).toString());
    }

    @Test
    void factories_rejectNullKey() {
        assertEquals("key", assertThrows(NullPointerException.class,
                () -> Bound.included(null)).getMessage());
        assertEquals("key", assertThrows(NullPointerException.class,
                () -> Bound.excluded(null)).getMessage());
    }

    @Test
    void isEmptyRange_coversEqualAndInvertedKeys() {
        assertFalse(Bound.isEmptyRange(Bound.included(A), Bound.included(A)));
        assertTrue(Bound.isEmptyRange(Bound.included(A), Bound.excluded(A)));
        assertTrue(Bound.isEmptyRange(Bound.excluded(A), Bound.included(A)));
        assertTrue(Bound.isEmptyRange(Bound.excluded(A), Bound.excluded(A)));
        assertTrue(Bound.isEmptyRange(Bound.included(B), Bound.included(A)));
        assertFalse(Bound.isEmptyRange(Bound.excluded(A), Bound.excluded(B)));
        assertFalse(Bound.isEmptyRange(Bound.unbounded(), Bound.excluded(A)));
        assertFalse(Bound.isEmptyRange(Bound.included(B), Bound.unbounded()));
        assertThrows(NullPointerException.class, () -> Bound.isEmptyRange(null, Bound.unbounded()));
    }

    @Test
    void admits_respectsInclusion() {
        assertTrue(Bound.included(A).admitsFromBelow(A));
        assertFalse(Bound.excluded(A).admitsFromBelow(A));
        assertTrue(Bound.excluded(A).admitsFromBelow(B));
        assertTrue(Bound.included(B).admitsFromAbove(B));
        assertFalse(Bound.excluded(B).admitsFromAbove(B));
        assertTrue(Bound.excluded(B).admitsFromAbove(A));
        assertTrue(Bound.unbounded().admitsFromAbove(B));
        assertTrue(Bound.unbounded().admitsFromBelow(Bytes.EMPTY));
    }
}
