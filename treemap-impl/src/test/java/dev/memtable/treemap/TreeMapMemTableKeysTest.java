package dev.memtable.treemap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.ByteArrays;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What keying the TreeMapMemTable's map by {@code byte[]} must keep: keys given as slices are stored and
 * found by content, a whole-array key is stored by reference (the contract of
 * {@link Bytes#wrap(byte[])}), probes and bounds may be slices, and tombstones keep their place
 * among a key's versions.
 */
class TreeMapMemTableKeysTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> keys(MemTableIterator it) {
        List<String> out = new ArrayList<>();
        try (it) {
            for (; it.isValid(); it.next()) {
                out.add(it.key().toUtf8String() + "=" + it.value().toUtf8String());
            }
        }
        return out;
    }

    @Test
    void sliceKeys_areStoredByContent_andFoundByWholeArraysOrOtherSlices() throws Exception {
        try (TreeMapMemTable t = new TreeMapMemTable(1)) {
            byte[] buf = b("xxbcdyy");
            t.put(Bytes.wrap(buf, 2, 5), Bytes.ofUtf8("1")); // "bcd"
            t.put(Bytes.wrap(buf, 2, 3), Bytes.ofUtf8("2")); // "b", a prefix of it
            t.put(Bytes.wrap(b("bcdz")), Bytes.ofUtf8("3"));
            assertEquals(Optional.of(Bytes.ofUtf8("1")), t.get(Bytes.wrap(b("bcd"))));
            assertEquals(Optional.of(Bytes.ofUtf8("1")), t.get(Bytes.wrap(b("abcde"), 1, 4)));
            assertEquals(Optional.of(Bytes.ofUtf8("2")), t.get(Bytes.ofUtf8("b")));
            assertEquals(Optional.empty(), t.get(Bytes.wrap(buf, 2, 4)), "bc was never put");
            assertEquals(List.of("b=2", "bcd=1", "bcdz=3"),
                    keys(t.scan(Bound.unbounded(), Bound.unbounded())));
            try (MemTableIterator it = t.scan(Bound.included(Bytes.wrap(buf, 2, 5)),
                    Bound.unbounded())) {
                byte[] stored = ByteArrays.array(it.key());
                assertNotSame(buf, stored, "a slice is copied, not the array it is a slice of");
                assertArrayEquals(b("bcd"), stored);
            }
            assertEquals(List.of("bcd=1"), keys(t.scan(Bound.excluded(Bytes.wrap(buf, 2, 3)),
                    Bound.excluded(Bytes.wrap(b("_bcdz_"), 1, 5)))));
        }
    }

    @Test
    void wholeArrayKeys_areStoredByReference_andHandedBackOverTheSameArray() throws Exception {
        try (TreeMapMemTable t = new TreeMapMemTable(1)) {
            byte[] k = b("key");
            t.put(Bytes.wrap(k), Bytes.ofUtf8("v"));
            t.put(Bytes.wrap(b("key")), Bytes.ofUtf8("w")); // equal content, a newer version
            try (MemTableIterator it = t.scan(Bound.unbounded(), Bound.unbounded())) {
                assertSame(k, ByteArrays.array(it.key()), "the first array put is kept");
                assertEquals(Bytes.ofUtf8("w"), it.value());
                it.next();
                assertTrue(!it.isValid());
            }
        }
    }

    @Test
    void tombstones_hideOlderVersions_onlyFromTheirSequenceOn() throws Exception {
        try (TreeMapMemTable t = new TreeMapMemTable(1)) {
            Bytes k = Bytes.wrap(b("k"));
            t.put(k, Bytes.ofUtf8("v3"), 3);
            t.delete(Bytes.wrap(b("k")), 5);
            t.put(Bytes.wrap(b("k")), Bytes.ofUtf8("v7"), 7);
            t.delete(Bytes.wrap(b("xk"), 1, 2), 4); // below the tombstone at 5, as a slice
            assertEquals(Optional.empty(), t.get(k, 2));
            assertEquals(Optional.of(Bytes.ofUtf8("v3")), t.get(k, 3));
            assertEquals(Optional.of(Bytes.EMPTY), t.get(k, 4));
            assertEquals(Optional.of(Bytes.EMPTY), t.get(k, 6));
            assertEquals(Optional.of(Bytes.ofUtf8("v7")), t.get(k));
            assertEquals(List.of("k="), keys(t.scan(Bound.unbounded(), Bound.unbounded(), 5)));
            assertEquals(List.of("k=v3"), keys(t.scan(Bound.unbounded(), Bound.unbounded(), 3)));
            assertEquals(List.of("k=v7", "k=", "k=", "k=v3"),
                    keys(t.versions(Bound.unbounded(), Bound.unbounded())));
        }
    }
}
