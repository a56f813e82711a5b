package dev.memtable.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memtable.Bytes;
import org.junit.jupiter.api.Test;

class ByteArraysTest {

    @Test
    void exact_wholeArrayWrap_isTheArrayItself() {
        byte[] a = {1, 2, 3};
        assertSame(a, ByteArrays.exact(Bytes.wrap(a)));
        assertSame(a, ByteArrays.array(Bytes.wrap(a)));
        assertEquals(0, ByteArrays.offset(Bytes.wrap(a)));
    }

    @Test
    void exact_slice_isACopyOfTheRangeOnly() {
        byte[] a = {1, 2, 3, 4, 5};
        Bytes slice = Bytes.wrap(a, 1, 4);
        byte[] exact = ByteArrays.exact(slice);
        assertNotSame(a, exact);
        assertArrayEquals(new byte[] {2, 3, 4}, exact);
        assertSame(a, ByteArrays.array(slice));
        assertEquals(1, ByteArrays.offset(slice));
    }

    @Test
    void exact_prefixSlice_isACopy() {
        byte[] a = {1, 2, 3};
        assertArrayEquals(new byte[] {1, 2}, ByteArrays.exact(Bytes.wrap(a, 0, 2)));
        assertNotSame(a, ByteArrays.exact(Bytes.wrap(a, 0, 2)));
    }

    @Test
    void exact_copyOf_sharesTheLibrarysOwnCopy() {
        byte[] a = {7, 8};
        Bytes copy = Bytes.copyOf(a);
        assertNotSame(a, ByteArrays.exact(copy));
        assertArrayEquals(a, ByteArrays.exact(copy));
    }

    @Test
    void empty_isAnEmptyArray() {
        assertEquals(0, ByteArrays.exact(Bytes.EMPTY).length);
    }

    @Test
    void null_throwsNpe() {
        assertThrows(NullPointerException.class, () -> ByteArrays.exact(null));
        assertThrows(NullPointerException.class, () -> ByteArrays.array(null));
        assertThrows(NullPointerException.class, () -> ByteArrays.offset(null));
    }
}
