package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.bytes;
import static dev.memtable.tck.TckSupport.contents;
import static dev.memtable.tck.TckSupport.entry;
import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.spi.MemTableProvider;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code basic01}–{@code basic14}: put, get, overwrite, delete as a tombstone, the
 * three-valued {@code get}, {@code isEmpty} and {@code id}.
 */
public interface BasicRules extends ContractSupport {

    /**
     * <b>basic01</b>: {@code get} answers {@code Optional.empty()} for a key never written, the
     * empty key included: on a fresh table, and on a table holding {@code k} and {@code kkk} for
     * the keys just before, between, inside and after them ({@code j}, {@code kk}, {@code l}).
     * <p>If it fails: {@code get} must return empty (not a tombstone) for a key never written;
     * look at how a missing map entry is translated, and at a lookup that returns the nearest
     * key's entry (ceiling or floor) without checking that the key is equal.
     */
    @Test
    default void required_basic01_getOfUnknownKeyIsAbsent() {
        MemTable t = newTable();
        assertEquals(Optional.empty(), t.get(key("k")), "get(\"k\") on a fresh table");
        assertEquals(Optional.empty(), t.get(Bytes.EMPTY), "get(empty key) on a fresh table");
        t.put(key("k"), value("v"));
        t.put(key("kkk"), value("v3"));
        for (String absent : new String[] {"j", "kk", "kkkk", "l", ""}) {
            assertEquals(Optional.empty(), t.get(key(absent)), "get(\"" + absent
                    + "\") when only \"k\" and \"kkk\" were put");
        }
    }

    /**
     * <b>basic02</b>: a value put under a key is returned by {@code get}, equal in content, also
     * values that look like markers: the single bytes {@code 00} and {@code ff}, and {@code 00 00}.
     * <p>If it fails: look at the put path and at key equality (keys are compared by content); a
     * failure on a one-byte value means the backend encodes tombstones as a special value instead
     * of the empty one.
     */
    @Test
    default void required_basic02_putThenGet() {
        MemTable t = newTable();
        t.put(key("k"), value("v1"));
        t.put(key("other"), value("v2"));
        assertEquals(Optional.of(value("v1")), t.get(key("k")), "get(\"k\") after put");
        assertEquals(Optional.of(value("v2")), t.get(key("other")), "get(\"other\") after put");
        List<Bytes> markers = List.of(bytes(0x00), bytes(0xff), bytes(0x00, 0x00));
        for (int i = 0; i < markers.size(); i++) {
            t.put(key("m" + i), markers.get(i));
        }
        for (int i = 0; i < markers.size(); i++) {
            assertEquals(Optional.of(markers.get(i)), t.get(key("m" + i)),
                    "get(\"m" + i + "\") after putting the value " + markers.get(i));
        }
    }

    /**
     * <b>basic03</b>: {@code put} overwrites: a second put to a key replaces the value, whether
     * the new value is as long as, shorter than or longer than the old one, and the table still
     * holds one entry for the key.
     * <p>If it fails: the backing map must replace, not append (a multimap or a list of versions
     * shows up here as two entries); a value that keeps bytes of the old one comes from an
     * overwrite in place that keeps the old length.
     */
    @Test
    default void required_basic03_putOverwrites() {
        MemTable t = newTable();
        t.put(key("k"), value("old"));
        t.put(key("k"), value("new"));
        assertEquals(Optional.of(value("new")), t.get(key("k")), "get after overwrite");
        assertEquals(List.of(entry(key("k"), value("new"))), contents(t),
                "scan after overwrite must hold exactly one entry for the key");
        t.put(key("k"), value("s"));
        assertEquals(Optional.of(value("s")), t.get(key("k")),
                "get after overwrite with a shorter value");
        t.put(key("k"), value("a longer value"));
        assertEquals(List.of(entry(key("k"), value("a longer value"))), contents(t),
                "scan after overwrite with a longer value");
    }

    /**
     * <b>basic04</b>: {@code delete} of a present key writes a tombstone: {@code get} answers an
     * <em>empty</em> {@code Bytes} (present), not {@code Optional.empty()}, because the tombstone
     * must shadow the key in older tables; the table is not empty.
     * <p>If it fails with {@code Optional.empty}: the backend removes the entry instead of storing
     * the empty value.
     */
    @Test
    default void required_basic04_deleteWritesTombstone() {
        MemTable t = newTable();
        t.put(key("k"), value("v"));
        t.delete(key("k"));
        assertEquals(Optional.of(Bytes.EMPTY), t.get(key("k")),
                "get after delete must be Optional.of(empty bytes), a tombstone");
        assertFalse(t.isEmpty(), "a table holding a tombstone is not empty");
    }

    /**
     * <b>basic05</b>: {@code delete} of a key the table never saw also writes a tombstone (the key
     * may live in an older table that it must shadow).
     * <p>If it fails: delete must not be skipped when the key is absent.
     */
    @Test
    default void required_basic05_deleteOfUnknownKeyWritesTombstone() {
        MemTable t = newTable();
        t.delete(key("never-put"));
        assertEquals(Optional.of(Bytes.EMPTY), t.get(key("never-put")),
                "get after delete of an unknown key must be a tombstone");
        assertEquals(List.of(entry(key("never-put"), Bytes.EMPTY)), contents(t),
                "scan after delete of an unknown key");
    }

    /**
     * <b>basic06</b>: {@code put} of the empty value is a delete: it leaves a tombstone.
     * <p>If it fails: an empty value must be stored like any other value (it is the tombstone),
     * not rejected or treated as a removal.
     */
    @Test
    default void required_basic06_putOfEmptyValueIsDelete() {
        MemTable t = newTable();
        t.put(key("k"), value("v"));
        t.put(key("k"), Bytes.EMPTY);
        t.put(key("j"), Bytes.EMPTY);
        assertEquals(Optional.of(Bytes.EMPTY), t.get(key("k")), "get after put(k, empty)");
        assertEquals(Optional.of(Bytes.EMPTY), t.get(key("j")), "get after put(j, empty)");
        assertEquals(List.of(entry(key("j"), Bytes.EMPTY), entry(key("k"), Bytes.EMPTY)),
                contents(t), "scan after puts of the empty value");
    }

    /**
     * <b>basic07</b>: a put after a delete replaces the tombstone with the new value.
     * <p>If it fails: a tombstone must be an ordinary entry that a later put overwrites.
     */
    @Test
    default void required_basic07_putAfterDeleteReplacesTombstone() {
        MemTable t = newTable();
        t.put(key("k"), value("v1"));
        t.delete(key("k"));
        t.put(key("k"), value("v2"));
        assertEquals(Optional.of(value("v2")), t.get(key("k")), "get after put, delete, put");
        assertEquals(List.of(entry(key("k"), value("v2"))), contents(t),
                "scan after put, delete, put");
    }

    /**
     * <b>basic08</b>: {@code isEmpty} is true for a fresh table and false once anything was
     * written.
     * <p>If it fails: look at the emptiness check of the backing map.
     */
    @Test
    default void required_basic08_isEmptyUntilFirstWrite() {
        MemTable t = newTable();
        assertTrue(t.isEmpty(), "a fresh table is empty");
        t.put(key("k"), value("v"));
        assertFalse(t.isEmpty(), "a table with one entry is not empty");
    }

    /**
     * <b>basic09</b>: a table holding only tombstones is not empty: it has something to flush.
     * That holds for the tombstone of the empty key too, whose key and value are both empty.
     * <p>If it fails: tombstones are dropped, or {@code isEmpty} counts live values only.
     */
    @Test
    default void required_basic09_tombstoneOnlyTableIsNotEmpty() {
        MemTable t = newTable();
        t.delete(key("k"));
        assertFalse(t.isEmpty(), "a table holding one tombstone is not empty");
        MemTable emptyKey = newTable();
        emptyKey.delete(Bytes.EMPTY);
        assertFalse(emptyKey.isEmpty(), "a table holding the tombstone of the empty key (size "
                + emptyKey.approximateSize() + ") is not empty");
    }

    /**
     * <b>basic10</b>: {@code id()} returns the id the table was created with, for any long.
     * <p>If it fails: the provider's {@code create(id)} must pass the id through unchanged.
     */
    @Test
    default void required_basic10_idIsTheCreationId() {
        for (long id : new long[] {0, 1, 42, -1, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertEquals(id, fixture().create(id).id(), "id() of a table created with id " + id);
        }
    }

    /**
     * <b>basic11</b>: the empty key is an ordinary key: it can be put, read, overwritten and
     * deleted, and it differs from the key {@code 0x00}.
     * <p>If it fails: an empty key must not be rejected or confused with "no key".
     */
    @Test
    default void required_basic11_emptyKeyIsAnOrdinaryKey() {
        MemTable t = newTable();
        t.put(Bytes.EMPTY, value("v1"));
        assertEquals(Optional.of(value("v1")), t.get(Bytes.EMPTY), "get(empty key) after put");
        assertEquals(Optional.empty(), t.get(bytes(0x00)), "get(0x00) is a different key");
        t.put(Bytes.EMPTY, value("v2"));
        assertEquals(Optional.of(value("v2")), t.get(Bytes.EMPTY),
                "get(empty key) after overwrite");
        t.delete(Bytes.EMPTY);
        assertEquals(Optional.of(Bytes.EMPTY), t.get(Bytes.EMPTY), "get(empty key) after delete");
    }

    /**
     * <b>basic12</b>: keys are compared by content, not by array or offset: a key put as a slice
     * of a larger array is found with an equal key in a fresh array, and overwriting through
     * another instance of an equal key replaces the one entry.
     * <p>If it fails: the backing map compares arrays by identity, or ignores a slice's offset.
     */
    @Test
    default void required_basic12_keysAreComparedByContent() {
        MemTable t = newTable();
        byte[] shared = key("xxkeyxx-valuexx").toByteArray();
        Bytes sliceKey = Bytes.wrap(shared, 2, 5);
        Bytes sliceValue = Bytes.wrap(shared, 8, 13);
        t.put(sliceKey, sliceValue);
        assertEquals(Optional.of(value("value")), t.get(key("key")),
                "get with a fresh key equal to a sliced key");
        t.put(Bytes.copyOf(key("key").toByteArray()), value("v2"));
        assertEquals(List.of(entry(key("key"), value("v2"))), contents(t),
                "overwrite through an equal key in another array must replace the one entry");
    }

    /**
     * <b>basic13</b>: tables are independent: two tables from one provider share no entries.
     * <p>If it fails: the backend keeps its map in a static field or in the provider.
     */
    @Test
    default void required_basic13_tablesAreIndependent() {
        MemTable a = newTable();
        MemTable b = newTable();
        a.put(key("k"), value("in-a"));
        b.put(key("j"), value("in-b"));
        assertEquals(Optional.empty(), b.get(key("k")), "table b must not see a's put");
        assertEquals(Optional.empty(), a.get(key("j")), "table a must not see b's put");
        assertEquals(List.of(entry(key("k"), value("in-a"))), contents(a), "contents of a");
        assertEquals(List.of(entry(key("j"), value("in-b"))), contents(b), "contents of b");
    }

    /**
     * <b>basic14</b>: a value returned by {@code get} stays as it was: later gets, puts,
     * overwrites and scans on the same thread do not change it.
     * <p>If it fails: {@code get} returns a view of a buffer that the backend reuses (a
     * per-thread scratch array, say); return a copy, or a view of memory that is never written
     * again.
     */
    @Test
    default void required_basic14_returnedValuesStayUnchanged() {
        MemTable t = newTable();
        t.put(key("a"), value("value-of-a"));
        t.put(key("b"), value("value-of-b"));
        Bytes a = t.get(key("a")).orElseThrow(() -> new AssertionError("get(\"a\") after put"));
        Bytes b = t.get(key("b")).orElseThrow(() -> new AssertionError("get(\"b\") after put"));
        t.put(key("a"), value("overwritten"));
        t.put(key("c"), value("value-of-c"));
        t.get(key("c"));
        contents(t);
        assertEquals(value("value-of-a"), a, "a value of \"a\" returned by get, after later"
                + " gets, puts and a scan");
        assertEquals(value("value-of-b"), b, "a value of \"b\" returned by get, after later"
                + " gets, puts and a scan");
    }

    /**
     * <b>basic15</b>: the provider's {@code name()} is what users select the backend by: lower
     * case letters and digits in dash-separated words, the same on every call.
     * <p>If it fails: return a constant such as {@code "mybackend"}, not a class name, an empty
     * string or something computed per call.
     */
    @Test
    default void required_basic15_providerNameIsAStableLowerCaseName() {
        MemTableProvider provider = testedProvider();
        String name = provider.name();
        assertTrue(name != null && name.matches("[a-z0-9]+(-[a-z0-9]+)*"),
                "name() must be lower case letters and digits in dash-separated words, was "
                        + (name == null ? "null" : "\"" + name + "\""));
        assertEquals(name, provider.name(), "name() called twice");
    }
}
