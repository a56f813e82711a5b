package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.contents;
import static dev.memtable.tck.TckSupport.entry;
import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.WriteBatch;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code batch01}–{@code batch06}: {@code MemTable.write(WriteBatch)} applies the entries
 * in order (a later entry for the same key wins), writes tombstones for deletes, counts every entry
 * in the size, does nothing for an empty batch and leaves the batch as it was.
 */
public interface BatchRules extends ContractSupport {

    /**
     * <b>batch01</b>: every entry of a batch is applied, over what the table held before.
     * <p>If it fails: look at the loop that applies a batch's entries.
     */
    @Test
    default void required_batch01_appliesEveryEntry() {
        MemTable t = newTable();
        t.put(key("b"), value("old"));
        t.write(new WriteBatch().put(key("c"), value("vc")).put(key("a"), value("va"))
                .put(key("b"), value("vb")));
        assertEquals(List.of(entry(key("a"), value("va")), entry(key("b"), value("vb")),
                entry(key("c"), value("vc"))), contents(t), "contents after the batch");
    }

    /**
     * <b>batch02</b>: entries are applied in order, so the later of two entries for one key wins:
     * put then put gives the second value, put then delete a tombstone, delete then put the
     * value.
     * <p>If it fails: the batch is applied out of order (sorted, grouped by key, or in
     * parallel).
     */
    @Test
    default void required_batch02_laterEntryForSameKeyWins() {
        MemTable t = newTable();
        t.write(new WriteBatch()
                .put(key("pp"), value("first")).put(key("pp"), value("second"))
                .put(key("pd"), value("first")).delete(key("pd"))
                .delete(key("dp")).put(key("dp"), value("second")));
        assertEquals(Optional.of(value("second")), t.get(key("pp")), "put, put");
        assertEquals(Optional.of(Bytes.EMPTY), t.get(key("pd")), "put, delete");
        assertEquals(Optional.of(value("second")), t.get(key("dp")), "delete, put");
        assertEquals(3, contents(t).size(), "one entry per key after the batch");
    }

    /**
     * <b>batch03</b>: a delete in a batch writes a tombstone, for a present and for an absent key.
     * <p>If it fails: batch deletes take a different path from {@code delete} and remove keys.
     */
    @Test
    default void required_batch03_deleteInBatchWritesTombstone() {
        MemTable t = newTable();
        t.put(key("present"), value("v"));
        t.write(new WriteBatch().delete(key("present")).delete(key("absent")));
        assertEquals(List.of(entry(key("absent"), Bytes.EMPTY), entry(key("present"), Bytes.EMPTY)),
                contents(t), "contents after a batch of two deletes");
    }

    /**
     * <b>batch04</b>: an empty batch changes nothing: a fresh table stays empty with size 0, a
     * populated one keeps its entries and size.
     * <p>If it fails: an empty batch must return before touching the table.
     */
    @Test
    default void required_batch04_emptyBatchChangesNothing() {
        MemTable fresh = newTable();
        fresh.write(new WriteBatch());
        assertTrue(fresh.isEmpty(), "a fresh table after an empty batch is empty");
        assertEquals(0, fresh.approximateSize(), "size of a fresh table after an empty batch");
        MemTable t = newTable();
        t.put(key("k"), value("v"));
        List<Map.Entry<Bytes, Bytes>> before = contents(t);
        t.write(new WriteBatch());
        assertEquals(before, contents(t), "entries after an empty batch");
        assertEquals(2 + MemTable.VERSION_BYTES, t.approximateSize(), "size after an empty batch");
    }

    /**
     * <b>batch05</b>: a batch adds to the size the key and value lengths of every entry, including
     * entries for a repeated key and deletes, plus {@link MemTable#VERSION_BYTES} per entry:
     * exactly {@link WriteBatch#payloadBytes()} {@code + 8 × entries}.
     * <p>If it fails: the batch is counted by its resulting entries instead of its writes.
     */
    @Test
    default void required_batch05_sizeCountsEveryEntry() {
        MemTable t = newTable();
        t.put(key("k"), value("v"));
        WriteBatch batch = new WriteBatch().put(key("aa"), value("123")).put(key("aa"), value("4"))
                .delete(key("bbb")).put(Bytes.EMPTY, value("x"));
        t.write(batch);
        assertEquals(2 + 5 + 3 + 3 + 1 + 5L * MemTable.VERSION_BYTES, t.approximateSize(),
                "size after a four-entry batch");
        assertEquals(12, batch.payloadBytes(), "the batch's own count (sanity check)");
    }

    /**
     * <b>batch06</b>: writing does not consume or change the batch: it can be written again, to
     * the same table (counted again) or to another (same contents).
     * <p>If it fails: the backend clears, sorts or keeps a reference into the batch's entries.
     */
    @Test
    default void required_batch06_batchIsNotConsumed() {
        WriteBatch batch = new WriteBatch().put(key("b"), value("vb")).delete(key("a"))
                .put(key("b"), value("vb2"));
        List<WriteBatch.Entry> entriesBefore = List.copyOf(batch.entries());
        MemTable first = newTable();
        MemTable second = newTable();
        first.write(batch);
        assertEquals(entriesBefore, batch.entries(), "the batch's entries after a write");
        first.write(batch);
        second.write(batch);
        List<Map.Entry<Bytes, Bytes>> expected = List.of(entry(key("a"), Bytes.EMPTY),
                entry(key("b"), value("vb2")));
        assertEquals(expected, contents(first), "table written twice with the batch");
        assertEquals(expected, contents(second), "second table written with the batch");
        assertEquals(2 * (batch.payloadBytes() + 3L * MemTable.VERSION_BYTES),
                first.approximateSize(),
                "size of the table written twice");
    }
}
