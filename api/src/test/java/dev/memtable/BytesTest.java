package dev.memtable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BytesTest {

    private static Bytes b(int... values) {
        byte[] a = new byte[values.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) values[i];
        }
        return Bytes.wrap(a);
    }

    @Test
    void compareTo_isUnsigned() {
        assertTrue(b(0x80).compareTo(b(0x7f)) > 0);
        assertTrue(b(0xff).compareTo(b(0x80)) > 0);
        assertTrue(b(0x00).compareTo(b(0x01)) < 0);
        assertEquals(0, b(1, 2, 3).compareTo(b(1, 2, 3)));
    }

    @Test
    void compareTo_prefixSortsFirst() {
        assertTrue(b(1, 2).compareTo(b(1, 2, 0)) < 0);
        assertTrue(Bytes.EMPTY.compareTo(b(0)) < 0);
        assertEquals(0, Bytes.EMPTY.compareTo(Bytes.wrap(new byte[0])));
    }

    @Test
    void compareTo_matchesReferenceOnRandomInput() {
        Random random = new Random(42);
        List<Bytes> list = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            byte[] a = new byte[random.nextInt(6)];
            random.nextBytes(a);
            list.add(Bytes.wrap(a));
        }
        for (int i = 0; i < list.size() - 1; i++) {
            Bytes x = list.get(i);
            Bytes y = list.get(i + 1);
            assertEquals(Integer.signum(referenceCompare(x.toByteArray(), y.toByteArray())),
                    Integer.signum(x.compareTo(y)), x + " vs " + y);
        }
    }

    private static int referenceCompare(byte[] x, byte[] y) {
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Integer.compare(x[i] & 0xff, y[i] & 0xff);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    @Test
    void compareTo_slicesCompareByContent() {
        Bytes whole = b(9, 1, 2, 9);
        assertEquals(0, whole.slice(1, 3).compareTo(b(1, 2)));
        assertTrue(whole.slice(1, 3).compareTo(b(1, 3)) < 0);
    }

    @Test
    void copyOf_copies() {
        byte[] a = {1, 2, 3};
        Bytes copy = Bytes.copyOf(a);
        a[0] = 7;
        assertEquals(b(1, 2, 3), copy);
        assertEquals(b(2), Bytes.copyOf(new byte[] {1, 2, 3}, 1, 2));
    }

    @Test
    void wrap_sharesTheArray() {
        byte[] a = {1, 2, 3};
        Bytes wrapped = Bytes.wrap(a);
        a[0] = 7;
        assertEquals(7, wrapped.byteAt(0));
        assertEquals(b(2, 3), Bytes.wrap(a, 1, 3));
    }

    @Test
    void emptyInputs_giveTheEmptyConstant() {
        assertSame(Bytes.EMPTY, Bytes.wrap(new byte[0]));
        assertSame(Bytes.EMPTY, Bytes.copyOf(new byte[0]));
        assertSame(Bytes.EMPTY, b(1, 2).slice(1, 1));
        assertTrue(Bytes.EMPTY.isEmpty());
        assertEquals(0, Bytes.EMPTY.length());
    }

    @Test
    void slice_isAViewWithBoundsChecks() {
        Bytes x = b(0, 1, 2, 3, 4);
        assertEquals(b(1, 2, 3), x.slice(1, 4));
        assertEquals(b(2), x.slice(1, 4).slice(1, 2));
        assertSame(x, x.slice(0, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> x.slice(-1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> x.slice(3, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> x.slice(0, 6));
    }

    @Test
    void toByteArray_returnsAFreshCopyOfTheRange() {
        Bytes x = b(0, 1, 2, 3).slice(1, 3);
        byte[] out = x.toByteArray();
        assertArrayEquals(new byte[] {1, 2}, out);
        out[0] = 9;
        assertEquals(1, x.byteAt(0));
    }

    @Test
    void equalsAndHashCode_dependOnContentOnly() {
        Bytes x = b(5, 1, 2).slice(1, 3);
        Bytes y = b(1, 2);
        assertEquals(x, y);
        assertEquals(x.hashCode(), y.hashCode());
        assertEquals(Arrays.hashCode(new byte[] {1, 2}), y.hashCode());
        assertNotEquals(b(1, 2), b(1, 2, 0));
        assertNotEquals(b(1), "x");
        assertFalse(b(1).equals(null));
    }

    @Test
    void toString_isReadableAndEscaped() {
        assertEquals("b\"user\\x00\\xff\"", Bytes.wrap(new byte[] {'u', 's', 'e', 'r', 0, (byte) 0xff})
                .toString());
        assertEquals("b\"a\\\"b\\\\\"", Bytes.ofUtf8("a\"b\\").toString());
        String longOne = Bytes.wrap(new byte[1000]).toString();
        assertTrue(longOne.endsWith("…\"(1000 bytes)"), longOne);
    }

    @Test
    void hex_roundTrips() {
        Bytes x = b(0x00, 0x7f, 0x80, 0xff);
        assertEquals("007f80ff", x.toHex());
        assertEquals(x, Bytes.fromHex("007F80ff"));
        assertSame(Bytes.EMPTY, Bytes.fromHex(""));
    }

    @Test
    void fromHex_rejectsBadInputNamingIt() {
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                () -> Bytes.fromHex("abc"));
        assertTrue(odd.getMessage().contains("odd"), odd.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Bytes.fromHex("0g"));
        assertTrue(bad.getMessage().contains("index 1"), bad.getMessage());
    }

    @Test
    void utf8_roundTrips() {
        assertEquals("héllo", Bytes.ofUtf8("héllo").toUtf8String());
        assertEquals(6, Bytes.ofUtf8("héllo").length());
    }

    @Test
    void buffers_copyAndViewTheRange() {
        Bytes x = b(9, 1, 2, 9).slice(1, 3);
        ByteBuffer dest = ByteBuffer.allocate(4);
        x.writeTo(dest);
        assertEquals(2, dest.position());
        ByteBuffer view = x.asReadOnlyBuffer();
        assertEquals(0, view.position());
        assertEquals(2, view.remaining());
        assertEquals(1, view.get(0));
        assertThrows(ReadOnlyBufferException.class, () -> view.put(0, (byte) 0));
        byte[] out = new byte[3];
        x.copyTo(out, 1);
        assertArrayEquals(new byte[] {0, 1, 2}, out);
        assertThrows(IndexOutOfBoundsException.class, () -> x.copyTo(out, 2));
    }

    @Test
    void startsWith_checksPrefix() {
        assertTrue(b(1, 2, 3).startsWith(b(1, 2)));
        assertTrue(b(1, 2, 3).startsWith(Bytes.EMPTY));
        assertFalse(b(1, 2).startsWith(b(1, 2, 3)));
        assertFalse(b(1, 2).startsWith(b(2)));
    }

    @Test
    void nullArguments_throwNamingTheParameter() {
        assertEquals("bytes", assertThrows(NullPointerException.class,
                () -> Bytes.copyOf(null)).getMessage());
        assertEquals("bytes", assertThrows(NullPointerException.class,
                () -> Bytes.wrap(null)).getMessage());
        assertEquals("text", assertThrows(NullPointerException.class,
                () -> Bytes.ofUtf8(null)).getMessage());
        assertEquals("prefix", assertThrows(NullPointerException.class,
                () -> b(1).startsWith(null)).getMessage());
        assertThrows(NullPointerException.class, () -> b(1).compareTo(null));
    }

    @Test
    void byteAt_checksIndex() {
        assertThrows(IndexOutOfBoundsException.class, () -> b(1).byteAt(1));
        assertThrows(IndexOutOfBoundsException.class, () -> b(1).byteAt(-1));
    }
}
