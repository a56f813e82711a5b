package dev.memtable.arena;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.WriteBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random operations against the arena table and a {@link TreeMap} ordered by
 * {@link Arrays#compareUnsigned(byte[], byte[])}; every read is compared with the model. Run
 * longer with {@code -Dmemtable.test.rounds=200}.
 */
class ArenaDifferentialTest {

    private static final int OPERATIONS = 4_000 * Integer.getInteger("memtable.test.rounds", 5);

    static List<Arguments> tables() {
        List<Arguments> cases = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            cases.add(Arguments.of("production chunks", (Supplier<MemTable>) Tables::table, seed));
            cases.add(Arguments.of("tiny chunks", (Supplier<MemTable>) Tables::tinyChunkTable,
                    seed));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}, seed {2}")
    @MethodSource("tables")
    void randomOperations_matchSortedMapModel(String geometry, Supplier<MemTable> factory,
                                              long seed) throws IOException {
        Random random = new Random(seed);
        NavigableMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        List<Map.Entry<Bytes, byte[]>> handedOut = new ArrayList<>();
        long size = 0;
        try (MemTable table = factory.get()) {
            for (int op = 0; op < OPERATIONS; op++) {
                String where = geometry + ", seed " + seed + ", operation " + op;
                int dice = random.nextInt(100);
                byte[] key = Tables.awkwardKey(random);
                if (dice < 45) {
                    byte[] value = Tables.randomBytes(random, random.nextInt(8) == 0 ? 0
                            : 1 + random.nextInt(random.nextInt(10) == 0 ? 6000 : 40));
                    table.put(Bytes.copyOf(key), Bytes.copyOf(value));
                    model.put(key, value);
                    size += key.length + value.length + MemTable.VERSION_BYTES;
                } else if (dice < 55) {
                    table.delete(Bytes.copyOf(key));
                    model.put(key, new byte[0]);
                    size += key.length + MemTable.VERSION_BYTES;
                } else if (dice < 60) {
                    WriteBatch batch = new WriteBatch();
                    for (int i = random.nextInt(4); i >= 0; i--) {
                        byte[] k = Tables.awkwardKey(random);
                        byte[] v = Tables.randomBytes(random, random.nextInt(20));
                        batch.put(Bytes.copyOf(k), Bytes.copyOf(v));
                        model.put(k, v);
                        size += k.length + v.length + MemTable.VERSION_BYTES;
                    }
                    table.write(batch);
                } else if (dice < 80) {
                    Optional<Bytes> got = table.get(Bytes.copyOf(key));
                    byte[] expected = model.get(key);
                    assertEquals(expected != null, got.isPresent(), where);
                    if (expected != null) {
                        assertArrayEquals(expected, got.get().toByteArray(), where);
                        if (handedOut.size() < 2_000) {
                            handedOut.add(Map.entry(got.get(), expected));
                        }
                    }
                } else if (dice < 92) {
                    checkScan(table, model, randomBound(random), randomBound(random), where);
                } else if (dice < 96) {
                    assertEquals(model.isEmpty(), table.isEmpty(), where);
                } else {
                    assertEquals(size, table.approximateSize(), where);
                }
            }
            checkScan(table, model, Bound.unbounded(), Bound.unbounded(), "final full scan");
            // Values handed out earlier never change, whatever was written after them.
            for (Map.Entry<Bytes, byte[]> e : handedOut) {
                assertArrayEquals(e.getValue(), e.getKey().toByteArray(),
                        "a returned value changed");
            }
        }
    }

    private static Bound randomBound(Random random) {
        switch (random.nextInt(3)) {
            case 0:
                return Bound.unbounded();
            case 1:
                return Bound.included(Bytes.copyOf(Tables.awkwardKey(random)));
            default:
                return Bound.excluded(Bytes.copyOf(Tables.awkwardKey(random)));
        }
    }

    private static void checkScan(MemTable table, NavigableMap<byte[], byte[]> model, Bound lower,
                                  Bound upper, String where) {
        String context = where + ", scan " + lower + " .. " + upper;
        Iterator<Map.Entry<byte[], byte[]>> expected =
                view(model, lower, upper).entrySet().iterator();
        try (MemTableIterator it = table.scan(lower, upper)) {
            for (; it.isValid(); it.next()) {
                assertTrue(expected.hasNext(), context + ": extra key " + it.key());
                Map.Entry<byte[], byte[]> e = expected.next();
                assertArrayEquals(e.getKey(), it.key().toByteArray(), context);
                assertArrayEquals(e.getValue(), it.value().toByteArray(), context);
            }
            assertFalse(expected.hasNext(), context + ": missing keys");
            it.next(); // harmless past the end
            assertFalse(it.isValid(), context);
        }
    }

    private static NavigableMap<byte[], byte[]> view(NavigableMap<byte[], byte[]> model,
                                                     Bound lower, Bound upper) {
        if (Bound.isEmptyRange(lower, upper)) {
            return new TreeMap<>();
        }
        NavigableMap<byte[], byte[]> v = model;
        if (!lower.isUnbounded()) {
            v = v.tailMap(lower.keyOrNull().toByteArray(), lower.isInclusive());
        }
        if (!upper.isUnbounded()) {
            v = v.headMap(upper.keyOrNull().toByteArray(), upper.isInclusive());
        }
        return v;
    }
}
