package dev.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WriteBatchTest {
    private static final Bytes K = Bytes.ofUtf8("k");

    @Test
    void put_and_delete_keepOrderAndCountBytes() {
        WriteBatch batch = new WriteBatch().put(K, Bytes.ofUtf8("vv")).delete(K);
        assertEquals(List.of(new WriteBatch.Entry(K, Bytes.ofUtf8("vv")),
                new WriteBatch.Entry(K, Bytes.EMPTY)), batch.entries());
        assertEquals(4, batch.payloadBytes());
        assertEquals(2, batch.size());
        assertTrue(batch.entries().get(1).isDelete());
        batch.clear();
        assertTrue(batch.isEmpty());
        assertEquals(0, batch.payloadBytes());
    }

    @Test
    void put_rejectsOversizeKeyNamingBothSizes() {
        WriteBatch batch = new WriteBatch().put(K, K);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> batch.put(Bytes.wrap(new byte[MemTable.MAX_KEY_LENGTH + 1]), K));
        assertTrue(e.getMessage().contains("65536") && e.getMessage().contains("65535"),
                e.getMessage());
        assertEquals(1, batch.size(), "a rejected put changes nothing");
    }

    @Test
    void put_rejectsOversizeValueAndNulls() {
        WriteBatch batch = new WriteBatch();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> batch.put(K, Bytes.wrap(new byte[MemTable.MAX_VALUE_LENGTH + 1])));
        assertTrue(e.getMessage().contains(String.valueOf(MemTable.MAX_VALUE_LENGTH + 1)),
                e.getMessage());
        assertEquals("key", assertThrows(NullPointerException.class,
                () -> batch.put(null, K)).getMessage());
        assertEquals("value", assertThrows(NullPointerException.class,
                () -> batch.put(K, null)).getMessage());
        assertTrue(batch.isEmpty());
    }

    @Test
    void put_rejectsBatchOverTotalLimit() {
        WriteBatch batch = new WriteBatch();
        Bytes big = Bytes.wrap(new byte[MemTable.MAX_VALUE_LENGTH]);
        long fit = WriteBatch.MAX_BATCH_BYTES / (MemTable.MAX_VALUE_LENGTH + 1);
        for (int i = 0; i < fit; i++) {
            batch.put(K, big);
        }
        long before = batch.payloadBytes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> batch.put(K, big));
        assertTrue(e.getMessage().contains(String.valueOf(WriteBatch.MAX_BATCH_BYTES)),
                e.getMessage());
        assertEquals(before, batch.payloadBytes());
    }

    @Test
    void entries_isUnmodifiable() {
        WriteBatch batch = new WriteBatch().put(K, K);
        assertThrows(UnsupportedOperationException.class, () -> batch.entries().clear());
    }
}
