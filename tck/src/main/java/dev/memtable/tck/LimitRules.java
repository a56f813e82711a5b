package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.contents;
import static dev.memtable.tck.TckSupport.entry;
import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.keys;
import static dev.memtable.tck.TckSupport.patterned;
import static dev.memtable.tck.TckSupport.scanAll;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.WriteBatch;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code limit01}–{@code limit05}: keys of 65,535 bytes and values of 16 MiB work, in
 * puts, deletes and batch entries; one byte over {@link MemTable#MAX_KEY_LENGTH} or
 * {@link MemTable#MAX_VALUE_LENGTH} is refused with an {@link IllegalArgumentException} naming
 * both sizes, and the refused call changes nothing.
 */
public interface LimitRules extends ContractSupport {

    /** The key length every backend must accept. */
    int REQUIRED_KEY_LENGTH = 65_535;

    /** The value length every backend must accept: 16 MiB. */
    int REQUIRED_VALUE_LENGTH = 16 * 1024 * 1024;

    /**
     * <b>limit01</b>: a 65,535-byte key can be put, read, scanned (also as a bound) and deleted,
     * and counts fully in the size.
     * <p>If it fails: the backend stores key lengths in fewer than 16 bits, or copies keys into
     * a buffer that is too small.
     */
    @Test
    default void required_limit01_longestKeyWorks() {
        MemTable t = newTable();
        Bytes longKey = patterned(REQUIRED_KEY_LENGTH, 1);
        t.put(longKey, value("v"));
        t.put(key("a"), value("va"));
        assertEquals(Optional.of(value("v")), t.get(longKey), "get(65,535-byte key)");
        assertEquals(List.of(longKey),
                keys(scanAll(t, Bound.included(longKey), Bound.included(longKey))),
                "scan([long key, long key])");
        t.delete(longKey);
        assertEquals(Optional.of(Bytes.EMPTY), t.get(longKey), "get(65,535-byte key) after delete");
        assertEquals(2L * REQUIRED_KEY_LENGTH + 1 + 3 + 3L * MemTable.VERSION_BYTES,
                t.approximateSize(),
                "size after put and delete of the long key and put(a, va)");
    }

    /**
     * <b>limit02</b>: a 16 MiB value can be put and read back intact, yielded by a scan, and
     * counts fully in the size.
     * <p>If it fails: the backend limits values below 16 MiB or truncates them.
     */
    @Test
    default void required_limit02_largestValueWorks() {
        MemTable t = newTable();
        Bytes big = patterned(REQUIRED_VALUE_LENGTH, 2);
        t.put(key("big"), big);
        assertEquals(Optional.of(big), t.get(key("big")), "get of a 16 MiB value");
        List<Map.Entry<Bytes, Bytes>> all = contents(t);
        assertEquals(1, all.size(), "entries after one put");
        assertEquals(big, all.get(0).getValue(), "the 16 MiB value from a scan");
        assertEquals(3L + REQUIRED_VALUE_LENGTH + MemTable.VERSION_BYTES, t.approximateSize(),
                "size with a 16 MiB value");
    }

    /**
     * <b>limit03</b>: a key one byte over the limit is refused by {@code put} and {@code delete}
     * with an {@link IllegalArgumentException} whose message holds both the key's size and the
     * limit; the table keeps its entries and its size.
     * <p>If it fails: check the key length before changing anything, and put both numbers in
     * the message.
     */
    @Test
    default void required_limit03_tooLongKeyIsRefused() {
        MemTable t = newTable();
        t.put(key("a"), value("va"));
        int tooLong = MemTable.MAX_KEY_LENGTH + 1;
        Bytes k = patterned(tooLong, 3);
        IllegalArgumentException put = assertThrows(IllegalArgumentException.class,
                () -> t.put(k, value("v")), "put with a key of " + tooLong + " bytes");
        assertNamesSizes(put, tooLong, MemTable.MAX_KEY_LENGTH, "put");
        IllegalArgumentException delete = assertThrows(IllegalArgumentException.class,
                () -> t.delete(k), "delete with a key of " + tooLong + " bytes");
        assertNamesSizes(delete, tooLong, MemTable.MAX_KEY_LENGTH, "delete");
        assertEquals(List.of(entry(key("a"), value("va"))), contents(t),
                "entries after the refused calls");
        assertEquals(3 + MemTable.VERSION_BYTES, t.approximateSize(),
                "size after the refused calls");
    }

    /**
     * <b>limit04</b>: a value one byte over the limit is refused with an
     * {@link IllegalArgumentException} naming both sizes; the key keeps its old value and the
     * size is unchanged.
     * <p>If it fails: check the value length before changing anything.
     */
    @Test
    default void required_limit04_tooLongValueIsRefused() {
        MemTable t = newTable();
        t.put(key("k"), value("old"));
        int tooLong = MemTable.MAX_VALUE_LENGTH + 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.put(key("k"), patterned(tooLong, 4)),
                "put with a value of " + tooLong + " bytes");
        assertNamesSizes(e, tooLong, MemTable.MAX_VALUE_LENGTH, "put");
        assertEquals(Optional.of(value("old")), t.get(key("k")),
                "the key's value after the refusal");
        assertEquals(4 + MemTable.VERSION_BYTES, t.approximateSize(), "size after the refusal");
    }

    /**
     * <b>limit05</b>: batch entries have the same limits as put and delete. A batch holding a put
     * under a 65,535-byte key, a delete of another such key and a 16 MiB value is applied and
     * counted in full. An entry one byte over a limit is refused with an
     * {@link IllegalArgumentException} naming both sizes, when it is added to the batch (which
     * keeps its entries) or, if the batch takes it, by {@code write}; the table is unchanged.
     * <p>If it fails: a backend that checks batch entries itself must allow exactly the limits
     * (both inclusive), as {@link MemTable#checkEntry} does.
     */
    @Test
    default void required_limit05_batchEntriesHaveTheSameLimits() {
        MemTable t = newTable();
        Bytes longKey = patterned(REQUIRED_KEY_LENGTH, 5);
        Bytes otherLongKey = patterned(REQUIRED_KEY_LENGTH, 6);
        Bytes big = patterned(REQUIRED_VALUE_LENGTH, 7);
        t.write(new WriteBatch().put(longKey, value("v")).delete(otherLongKey)
                .put(key("big"), big));
        assertEquals(Optional.of(value("v")), t.get(longKey), "get(65,535-byte key) after the"
                + " batch");
        assertEquals(Optional.of(big), t.get(key("big")), "get of the 16 MiB value after the"
                + " batch");
        long size = 2L * REQUIRED_KEY_LENGTH + 1 + 3 + REQUIRED_VALUE_LENGTH
                + 3L * MemTable.VERSION_BYTES;
        assertEquals(size, t.approximateSize(), "size after the batch");
        int tooLongKey = MemTable.MAX_KEY_LENGTH + 1;
        int tooLongValue = MemTable.MAX_VALUE_LENGTH + 1;
        refusedInBatch(t, "put(key of " + tooLongKey + " bytes, v)",
                b -> b.put(Bytes.wrap(new byte[tooLongKey]), value("v")), tooLongKey,
                MemTable.MAX_KEY_LENGTH);
        refusedInBatch(t, "delete(key of " + tooLongKey + " bytes)",
                b -> b.delete(Bytes.wrap(new byte[tooLongKey])), tooLongKey,
                MemTable.MAX_KEY_LENGTH);
        refusedInBatch(t, "put(k, value of " + tooLongValue + " bytes)",
                b -> b.put(key("k"), Bytes.wrap(new byte[tooLongValue])), tooLongValue,
                MemTable.MAX_VALUE_LENGTH);
    }

    /**
     * Asserts that the entry {@code add} puts in a batch is refused by the batch or by
     * {@code write}, with both sizes named, and that {@code t} is unchanged.
     */
    private static void refusedInBatch(MemTable t, String entry, Consumer<WriteBatch> add,
                                       long size, long limit) {
        List<Map.Entry<Bytes, Bytes>> before = contents(t);
        long sizeBefore = t.approximateSize();
        WriteBatch batch = new WriteBatch().put(key("ok"), value("ok"));
        IllegalArgumentException refused = null;
        try {
            add.accept(batch);
        } catch (IllegalArgumentException e) {
            refused = e;
        }
        if (refused != null) {
            assertEquals(1, batch.size(), "entries of a batch after it refused " + entry);
        } else {
            refused = assertThrows(IllegalArgumentException.class, () -> t.write(batch),
                    "write of a batch holding " + entry);
        }
        assertNamesSizes(refused, size, limit, entry + " in a batch");
        assertEquals(before, contents(t), "entries after the refused batch entry " + entry);
        assertEquals(sizeBefore, t.approximateSize(), "size after the refused batch entry "
                + entry);
    }

    /**
     * Asserts that the message of {@code e} holds {@code size} and {@code limit} as whole numbers,
     * written plainly or with thousands separators ({@code 65,536}, {@code 65_536}).
     */
    private static void assertNamesSizes(Exception e, long size, long limit, String call) {
        String m = String.valueOf(e.getMessage());
        String plain = m.replaceAll("(?<=\\d)[,_ '](?=\\d{3})", "");
        for (long n : new long[] {size, limit}) {
            assertTrue(plain.matches("(?s).*(?<!\\d)" + n + "(?!\\d).*"),
                    call + ": the message must name " + n + " (it names the size " + size
                            + " and the limit " + limit + "), but was: " + m);
        }
    }
}
