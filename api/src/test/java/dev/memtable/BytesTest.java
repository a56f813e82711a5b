package dev.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BytesTest {
    @Test
    void compareTo_isUnsigned() {
        assertTrue(Bytes.wrap(new byte[] {(byte) 0x80}).compareTo(Bytes.wrap(new byte[] {0x7f})) > 0);
        assertEquals(0, Bytes.ofUtf8("a").compareTo(Bytes.ofUtf8("a")));
    }
}
