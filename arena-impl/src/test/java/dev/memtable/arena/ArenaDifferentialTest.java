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
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random operations against the arena table and a {@link TreeMap} ordered by
 * {@link Arrays#compareUnsigned(byte[], byte[])}; every read is compared with the model: first
 * unversioned operations against a plain map, then versioned ones (random, colliding and
 * out-of-order sequences; reads at random sequences) against a map of version maps. Run longer
 * with {@code -Dmemtable.test.rounds=200}.
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

    /**
     * Versioned puts and deletes at sequences drawn from a small range (so that versions arrive
     * out of order and some rewrite an existing {@code (key, sequence)}), mixed with unversioned
     * ones, batches at a sequence, and reads at random sequences: get, scan and versions.
     */
    @ParameterizedTest(name = "{0}, seed {2}")
    @MethodSource("tables")
    void randomVersionedOperations_matchVersionModel(String geometry, Supplier<MemTable> factory,
                                                     long seed) throws IOException {
        Random random = new Random(seed);
        // key -> (sequence, newest first -> value)
        NavigableMap<byte[], NavigableMap<Long, byte[]>> model =
                new TreeMap<>(Arrays::compareUnsigned);
        long taken = 0;
        long size = 0;
        try (MemTable table = factory.get()) {
            // Half as many: scans at low sequences and full version walks cost more per call.
            for (int op = 0; op < OPERATIONS / 2; op++) {
                String where = geometry + ", seed " + seed + ", operation " + op;
                int dice = random.nextInt(100);
                byte[] key = Tables.awkwardKey(random);
                if (dice < 50) {
                    byte[] value = Tables.randomBytes(random, random.nextInt(6) == 0 ? 0
                            : 1 + random.nextInt(40));
                    long sequence;
                    if (dice < 10) {
                        table.put(Bytes.copyOf(key), Bytes.copyOf(value));
                        sequence = ++taken;
                    } else {
                        sequence = 1 + random.nextInt(taken < 50 ? 60 : (int) taken + 10);
                        table.put(Bytes.copyOf(key), Bytes.copyOf(value), sequence);
                        taken = Math.max(taken, sequence);
                    }
                    versionsOf(model, key).put(sequence, value);
                    size += key.length + value.length + MemTable.VERSION_BYTES;
                } else if (dice < 54) {
                    WriteBatch batch = new WriteBatch();
                    long sequence = 1 + random.nextInt((int) taken + 10);
                    for (int i = random.nextInt(4); i >= 0; i--) {
                        byte[] k = Tables.awkwardKey(random);
                        byte[] v = Tables.randomBytes(random, random.nextInt(20));
                        batch.put(Bytes.copyOf(k), Bytes.copyOf(v));
                        versionsOf(model, k).put(sequence, v);
                        size += k.length + v.length + MemTable.VERSION_BYTES;
                    }
                    table.write(batch, sequence);
                    taken = Math.max(taken, sequence);
                } else if (dice < 75) {
                    long at = readSequence(random, taken);
                    Optional<Bytes> got = table.get(Bytes.copyOf(key), at);
                    byte[] expected = visible(model.get(key), at);
                    assertEquals(expected != null, got.isPresent(), where + " at " + at);
                    if (expected != null) {
                        assertArrayEquals(expected, got.get().toByteArray(), where);
                    }
                } else if (dice < 88) {
                    checkVersionedScan(table, model, randomBound(random), randomBound(random),
                            readSequence(random, taken), where);
                } else if (dice < 96) {
                    checkVersions(table, model, randomBound(random), randomBound(random), where);
                } else {
                    assertEquals(size, table.approximateSize(), where);
                    assertEquals(taken, table.lastSequence(), where);
                }
            }
            checkVersions(table, model, Bound.unbounded(), Bound.unbounded(), "final versions");
            for (long at = 0; at <= taken + 1; at += 1 + taken / 20) {
                checkVersionedScan(table, model, Bound.unbounded(), Bound.unbounded(), at,
                        "final scan at " + at);
            }
        }
    }

    private static NavigableMap<Long, byte[]> versionsOf(
            NavigableMap<byte[], NavigableMap<Long, byte[]>> model, byte[] key) {
        return model.computeIfAbsent(key, k -> new TreeMap<>(Comparator.reverseOrder()));
    }

    /** A read sequence: mostly within the sequences used, sometimes 0 or the newest. */
    private static long readSequence(Random random, long taken) {
        int dice = random.nextInt(10);
        return dice == 0 ? 0 : dice == 1 ? Long.MAX_VALUE : random.nextInt((int) taken + 2);
    }

    /** The value visible at {@code sequence} in a key's version map, or null. */
    private static byte[] visible(NavigableMap<Long, byte[]> versions, long sequence) {
        if (versions == null) {
            return null;
        }
        Map.Entry<Long, byte[]> e = versions.ceilingEntry(sequence); // descending: <= sequence
        return e == null ? null : e.getValue();
    }

    private static void checkVersionedScan(MemTable table,
                                           NavigableMap<byte[], NavigableMap<Long, byte[]>> model,
                                           Bound lower, Bound upper, long sequence, String where) {
        Iterator<Version> expected = view(model, lower, upper).entrySet().stream()
                .map(e -> {
                    Map.Entry<Long, byte[]> v = e.getValue().ceilingEntry(sequence);
                    return v == null ? null : new Version(e.getKey(), v.getKey(), v.getValue());
                })
                .filter(Objects::nonNull).iterator();
        try (MemTableIterator it = table.scan(lower, upper, sequence)) {
            assertYields(expected, it, where + ", scan " + lower + " .. " + upper + " at "
                    + sequence);
        }
    }

    private static void checkVersions(MemTable table,
                                      NavigableMap<byte[], NavigableMap<Long, byte[]>> model,
                                      Bound lower, Bound upper, String where) {
        Iterator<Version> expected = view(model, lower, upper).entrySet().stream()
                .flatMap(e -> e.getValue().entrySet().stream()
                        .map(v -> new Version(e.getKey(), v.getKey(), v.getValue())))
                .iterator();
        try (MemTableIterator it = table.versions(lower, upper)) {
            assertYields(expected, it, where + ", versions " + lower + " .. " + upper);
        }
    }

    /** One version of the model. */
    private record Version(byte[] key, long sequence, byte[] value) {
        @Override
        public String toString() {
            return Arrays.toString(key) + "@" + sequence + "=" + Arrays.toString(value);
        }
    }

    /** Checks that {@code it} yields exactly {@code expected}, then stays invalid. */
    private static void assertYields(Iterator<Version> expected, MemTableIterator it,
                                     String context) {
        for (int i = 0; it.isValid(); it.next(), i++) {
            Version got = new Version(it.key().toByteArray(), it.sequence(),
                    it.value().toByteArray());
            assertTrue(expected.hasNext(), context + ": extra entry " + got);
            Version e = expected.next();
            if (!Arrays.equals(e.key(), got.key()) || e.sequence() != got.sequence()
                    || !Arrays.equals(e.value(), got.value())) {
                assertEquals(e.toString(), got.toString(), context + ", entry " + i);
            }
        }
        assertFalse(expected.hasNext(), context + ": missing " + (expected.hasNext()
                ? expected.next() : null));
        it.next(); // harmless past the end
        assertFalse(it.isValid(), context);
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

    private static <V> NavigableMap<byte[], V> view(NavigableMap<byte[], V> model,
                                                    Bound lower, Bound upper) {
        if (Bound.isEmptyRange(lower, upper)) {
            return new TreeMap<>();
        }
        NavigableMap<byte[], V> v = model;
        if (!lower.isUnbounded()) {
            v = v.tailMap(lower.keyOrNull().toByteArray(), lower.isInclusive());
        }
        if (!upper.isUnbounded()) {
            v = v.headMap(upper.keyOrNull().toByteArray(), upper.isInclusive());
        }
        return v;
    }
}
