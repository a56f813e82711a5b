package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.bytes;
import static dev.memtable.tck.TckSupport.concat;
import static dev.memtable.tck.TckSupport.contents;
import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.keys;
import static dev.memtable.tck.TckSupport.patterned;
import static dev.memtable.tck.TckSupport.scanAll;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code order01}–{@code order06}: scans come in <em>unsigned</em> lexicographic order
 * ({@code memcmp} order): {@code 0x80} after {@code 0x7f}, a prefix before its extensions, the
 * empty key first, at every byte position. Each rule writes its keys out of order and states the
 * expected order literally, or, for many keys, builds them already in order.
 */
public interface OrderingRules extends ContractSupport {

    /**
     * <b>order01</b>: single-byte keys sort as unsigned numbers:
     * {@code 0x00 < 0x01 < 0x7f < 0x80 < 0xfe < 0xff}.
     * <p>If it fails with {@code 0x80..0xff} first: the map compares bytes as signed Java
     * {@code byte}s; use {@code Bytes.compareTo} (or {@code Arrays.compareUnsigned}).
     */
    @Test
    default void required_order01_singleBytesSortUnsigned() {
        MemTable t = newTable();
        for (int b : new int[] {0xff, 0x80, 0x00, 0x7f, 0xfe, 0x01}) {
            t.put(bytes(b), value("v" + b));
        }
        assertEquals(List.of(bytes(0x00), bytes(0x01), bytes(0x7f), bytes(0x80), bytes(0xfe),
                bytes(0xff)), keys(contents(t)), "scan order of single-byte keys");
        assertEquals(Optional.of(value("v" + 0x80)), t.get(bytes(0x80)), "get(0x80)");
    }

    /**
     * <b>order02</b>: a key sorts before every longer key it is a prefix of, and after that come
     * the extensions in unsigned order of their next byte:
     * {@code "a" < "a\x00" < "ab" < "abc" < "a\xff" < "b"}.
     * <p>If it fails: look at how keys of different lengths compare (a shorter key that is a
     * prefix is smaller), and at signed bytes.
     */
    @Test
    default void required_order02_prefixSortsBeforeItsExtensions() {
        MemTable t = newTable();
        Bytes a = key("a");
        List<Bytes> expected = List.of(a, concat(a, bytes(0x00)), key("ab"), key("abc"),
                concat(a, bytes(0xff)), key("b"));
        for (int i : new int[] {5, 2, 0, 4, 3, 1}) {
            t.put(expected.get(i), value("v" + i));
        }
        assertEquals(expected, keys(contents(t)), "scan order of prefixes and extensions");
    }

    /**
     * <b>order03</b>: the empty key is the smallest key: it comes first in a scan, before
     * {@code 0x00}; {@code [unbounded, included(empty)]} yields it alone and
     * {@code (excluded(empty), unbounded)} yields everything else.
     * <p>If it fails: the empty key is treated specially (or as "no bound") somewhere.
     */
    @Test
    default void required_order03_emptyKeySortsFirst() {
        MemTable t = newTable();
        List<Bytes> expected = List.of(Bytes.EMPTY, bytes(0x00), bytes(0x00, 0x00), bytes(0x80),
                bytes(0xff, 0xff));
        for (int i : new int[] {3, 1, 4, 0, 2}) {
            t.put(expected.get(i), value("v" + i));
        }
        assertEquals(expected, keys(contents(t)), "scan order with the empty key");
        assertEquals(List.of(Bytes.EMPTY),
                keys(scanAll(t, Bound.unbounded(), Bound.included(Bytes.EMPTY))),
                "scan(unbounded, included(empty))");
        assertEquals(expected.subList(1, expected.size()),
                keys(scanAll(t, Bound.excluded(Bytes.EMPTY), Bound.unbounded())),
                "scan(excluded(empty), unbounded)");
    }

    /**
     * <b>order04</b>: unsigned order holds at any position, not only the first byte: after a
     * common 40-byte prefix (longer than one vector lane; its first byte is {@code 0x07})
     * {@code 0x00 < 0x7f < 0x80 < 0xff}, and {@code 01 7f < 01 80 < 02 00}.
     * <p>If it fails: a hand-written comparison loop mixes signed and unsigned bytes, or compares
     * words without handling the sign of their high byte.
     */
    @Test
    default void required_order04_laterBytesSortUnsigned() {
        MemTable t = newTable();
        Bytes prefix = patterned(40, 7);
        List<Bytes> expected = List.of(bytes(0x01, 0x7f), bytes(0x01, 0x80), bytes(0x02, 0x00),
                concat(prefix, bytes(0x00)), concat(prefix, bytes(0x7f)),
                concat(prefix, bytes(0x80)), concat(prefix, bytes(0xff)));
        for (int i = expected.size() - 1; i >= 0; i--) {
            t.put(expected.get(i), value("v" + i));
        }
        assertEquals(expected, keys(contents(t)), "scan order of keys differing late");
    }

    /**
     * <b>order05</b>: scan bounds use the same unsigned order: with keys
     * {@code 00, 7f, 80, ff}, {@code [80, ∞)} is {@code 80 ff}, {@code (-∞, 80)} is
     * {@code 00 7f} and {@code (7f, ff]} is {@code 80 ff}.
     * <p>If it fails while order01 passes: the range code compares bounds with its own (signed)
     * comparison instead of the map's order.
     */
    @Test
    default void required_order05_boundsUseUnsignedOrder() {
        MemTable t = newTable();
        for (int b : new int[] {0xff, 0x00, 0x80, 0x7f}) {
            t.put(bytes(b), value("v" + b));
        }
        assertEquals(List.of(bytes(0x80), bytes(0xff)),
                keys(scanAll(t, Bound.included(bytes(0x80)), Bound.unbounded())),
                "scan(included(0x80), unbounded)");
        assertEquals(List.of(bytes(0x00), bytes(0x7f)),
                keys(scanAll(t, Bound.unbounded(), Bound.excluded(bytes(0x80)))),
                "scan(unbounded, excluded(0x80))");
        assertEquals(List.of(bytes(0x80), bytes(0xff)),
                keys(scanAll(t, Bound.excluded(bytes(0x7f)), Bound.included(bytes(0xff)))),
                "scan(excluded(0x7f), included(0xff))");
    }

    /**
     * <b>order06</b>: unsigned order holds at every byte position of keys of every length from 1
     * to 20 bytes: for each length and position, the key with {@code 0x7f} there sorts before
     * the key with {@code 0x80} there, and {@code 0x00} before {@code 0xff}, all other bytes
     * being equal. Keys of 8 bytes and more catch a backend that compares an 8-byte prefix as one
     * signed {@code long} (the high bit of the first byte), or signed bytes after the prefix; each
     * key must also be found by {@code get}.
     * <p>If it fails: the message names the first two keys out of order and the position where
     * they differ; compare prefixes as unsigned ({@code Long.compareUnsigned}) and the rest with
     * {@code Arrays.compareUnsigned}.
     */
    @Test
    default void required_order06_highBitAtEveryPositionSortsUnsigned() {
        MemTable t = newTable();
        List<Bytes> expected = new ArrayList<>();
        for (int length = 1; length <= 20; length++) {
            for (int position = 0; position < length; position++) {
                for (int[] pair : new int[][] {{0x00, 0xff}, {0x7f, 0x80}}) {
                    for (int b : pair) {
                        expected.add(highBitKey(length, position, b));
                    }
                }
            }
        }
        expected.sort(ReferenceModel.UNSIGNED); // the byte-by-byte order, written out there
        // Three insertion orders, each into its own table: descending, ascending, and from both
        // ends inwards. A comparator that is wrong for only some pairs of lengths is not even a
        // consistent order; where it misplaces a key then depends on the nodes a search happens
        // to compare it with, so one insertion order alone can miss it on some runs.
        int n = expected.size();
        for (int order = 0; order < 3; order++) {
            MemTable table = order == 0 ? t : newTable();
            for (int j = 0; j < n; j++) {
                int i = order == 0 ? n - 1 - j
                        : order == 1 ? j : (j % 2 == 0 ? j / 2 : n - 1 - j / 2);
                table.put(expected.get(i), value("v" + i));
            }
            checkHighBitOrder(table, expected, order);
        }
    }

    private void checkHighBitOrder(MemTable t, List<Bytes> expected, int insertionOrder) {
        List<Bytes> got = keys(contents(t));
        for (int i = 0; i < Math.min(got.size(), expected.size()); i++) {
            if (!got.get(i).equals(expected.get(i))) {
                Bytes a = expected.get(i);
                Bytes b = got.get(i);
                int at = 0;
                while (at < Math.min(a.length(), b.length()) && a.byteAt(at) == b.byteAt(at)) {
                    at++;
                }
                fail("scan order wrong at index " + i + " of " + expected.size() + ": expected "
                        + a.toHex() + " but got " + b.toHex() + " (they differ at byte " + at
                        + "; keys inserted " + (insertionOrder == 0 ? "descending"
                        : insertionOrder == 1 ? "ascending" : "from both ends inwards") + ")");
            }
        }
        assertEquals(expected.size(), got.size(), "number of keys a scan yields");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(Optional.of(value("v" + i)), t.get(expected.get(i)),
                    "get(" + expected.get(i).toHex() + ")");
        }
    }

    /**
     * A key of {@code length} bytes whose byte {@code position} is {@code b}: the first byte
     * (if not the one at {@code position}) is {@code 0x55}, the others {@code 0x41 + position}.
     */
    private static Bytes highBitKey(int length, int position, int b) {
        int[] k = new int[length];
        for (int i = 0; i < length; i++) {
            k[i] = i == 0 ? 0x55 : 0x41 + position;
        }
        k[position] = b;
        return bytes(k);
    }
}
