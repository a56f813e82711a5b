package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.patterned;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code size01}–{@code size05}: {@code approximateSize()} is the freeze trigger. It grows
 * by exactly {@code key.length() + value.length() + MemTable.VERSION_BYTES} on every put and
 * delete (every write is a version), overwrites and tombstones included, and never shrinks.
 */
public interface SizeRules extends ContractSupport {

    /** What every version adds beyond its key and value: {@link MemTable#VERSION_BYTES}. */
    int V = MemTable.VERSION_BYTES;

    /**
     * <b>size01</b>: a fresh table has size 0.
     * <p>If it fails: the size must count written bytes only, not fixed overhead.
     */
    @Test
    default void required_size01_freshTableHasSizeZero() {
        assertEquals(0, newTable().approximateSize(), "approximateSize() of a fresh table");
    }

    /**
     * <b>size02</b>: each put adds its key length plus its value length plus
     * {@link MemTable#VERSION_BYTES}.
     * <p>If it fails: look at what the put path adds (both lengths and the version's 8 bytes, as
     * a long).
     */
    @Test
    default void required_size02_putAddsKeyAndValueLength() {
        MemTable t = newTable();
        t.put(key("abc"), value("hello"));
        assertEquals(8 + V, t.approximateSize(), "after put(3-byte key, 5-byte value)");
        t.put(Bytes.EMPTY, value("x"));
        assertEquals(9 + 2 * V, t.approximateSize(), "after put(empty key, 1-byte value)");
        t.put(key("big"), patterned(100_000, 1));
        assertEquals(100_012 + 3 * V, t.approximateSize(),
                "after put(3-byte key, 100,000-byte value)");
    }

    /**
     * <b>size03</b>: an overwrite adds its full lengths again, even with a shorter value: the
     * size counts writes, not live bytes.
     * <p>If it fails with a smaller number: the backend subtracts the replaced value.
     */
    @Test
    default void required_size03_overwriteAddsAgain() {
        MemTable t = newTable();
        t.put(key("k"), value("12345"));
        t.put(key("k"), value("12345"));
        assertEquals(12 + 2 * V, t.approximateSize(), "after the same put twice");
        t.put(key("k"), value("1"));
        assertEquals(14 + 3 * V, t.approximateSize(), "after overwriting with a 1-byte value");
    }

    /**
     * <b>size04</b>: a delete adds the key length plus {@link MemTable#VERSION_BYTES} (its value,
     * the tombstone, is empty), whether the key was present, absent or already deleted; so does a
     * put of the empty value, and so does the delete of the empty key.
     * <p>If it fails: deletes must be counted even when nothing is replaced.
     */
    @Test
    default void required_size04_deleteAddsKeyLength() {
        MemTable t = newTable();
        t.put(key("key"), value("value"));
        t.delete(key("key"));
        assertEquals(11 + 2 * V, t.approximateSize(), "after put(3, 5) and delete of that key");
        t.delete(key("absent"));
        assertEquals(17 + 3 * V, t.approximateSize(), "after delete of an absent 6-byte key");
        t.delete(key("absent"));
        assertEquals(23 + 4 * V, t.approximateSize(), "after deleting it again");
        t.put(key("kk"), Bytes.EMPTY);
        assertEquals(25 + 5 * V, t.approximateSize(), "after put(2-byte key, empty value)");
        t.delete(Bytes.EMPTY);
        assertEquals(25 + 6 * V, t.approximateSize(),
                "after delete of the empty key (adds only the version's bytes)");
    }

    /**
     * <b>size05</b>: over 2,000 mixed puts, overwrites and deletes the size equals the running
     * sum of key and value lengths plus {@link MemTable#VERSION_BYTES} after every single write,
     * so it never shrinks.
     * <p>If it fails: the message names the write after which it went wrong.
     */
    @Test
    default void required_size05_neverShrinks() {
        MemTable t = newTable();
        Random random = new Random(5);
        long expected = 0;
        for (int i = 0; i < 2000; i++) {
            Bytes k = key("k" + random.nextInt(50));
            Bytes v = random.nextInt(4) == 0 ? Bytes.EMPTY : patterned(random.nextInt(40), i);
            if (v.isEmpty() && random.nextBoolean()) {
                t.delete(k);
            } else {
                t.put(k, v);
            }
            expected += k.length() + v.length() + V;
            assertEquals(expected, t.approximateSize(), "after write #" + i + " (key " + k
                    + ", " + v.length() + "-byte value)");
        }
    }
}
