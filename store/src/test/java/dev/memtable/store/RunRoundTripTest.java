package dev.memtable.store;

import static dev.memtable.store.RunModel.assertEntries;
import static dev.memtable.store.RunModel.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs written from a random reference model and read back: every get at random sequences,
 * scans with every kind of bound, every version, the metadata; across block sizes from one entry
 * per block (so a key's versions span blocks) to blocks larger than the run.
 */
class RunRoundTripTest {

    private static final int[] BLOCK_SIZES = {1, 30, 64, 100, 256, 4096, 1 << 20};

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {1, 30, 64, 100, 256, 4096, 1 << 20})
    void get_randomKeysAndSequences_matchTheModel(int blockSize) throws IOException {
        Random rnd = new Random(blockSize);
        RunModel model = RunModel.random(rnd, 400, 6, 40);
        model.write(dir.resolve("r.run"), 7, blockSize, 10);
        try (Run run = Run.open(7, dir.resolve("r.run"), new BlockCache(1 << 20))) {
            List<Bytes> keys = model.keys();
            for (Bytes key : keys) {
                for (long seq : new long[] {0, 1, 50, 100, 150, 199, 200, 201, Long.MAX_VALUE}) {
                    assertEquals(model.get(key, seq), run.get(key, seq), key + " at " + seq);
                }
            }
            for (int i = 0; i < 2000; i++) {
                Bytes key = i % 2 == 0 ? keys.get(rnd.nextInt(keys.size()))
                        : RunModel.value(rnd, 7); // mostly absent keys
                long seq = rnd.nextInt(210);
                assertEquals(model.get(key, seq), run.get(key, seq), key + " at " + seq);
            }
        }
    }

    @Test
    void get_tombstone_isEmptyBytesAndAbsentIsEmptyOptional() throws IOException {
        RunModel model = new RunModel();
        model.put(Bytes.ofUtf8("a"), 5, Bytes.EMPTY);
        model.put(Bytes.ofUtf8("a"), 3, Bytes.ofUtf8("old"));
        model.write(dir.resolve("t.run"), 1, 4096, 10);
        try (Run run = Run.open(1, dir.resolve("t.run"), new BlockCache(0))) {
            assertEquals(Optional.of(Bytes.EMPTY), run.get(Bytes.ofUtf8("a"), 9));
            assertEquals(Optional.of(Bytes.ofUtf8("old")), run.get(Bytes.ofUtf8("a"), 4));
            assertEquals(Optional.empty(), run.get(Bytes.ofUtf8("a"), 2));
            assertEquals(Optional.empty(), run.get(Bytes.ofUtf8("b"), 9));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 30, 100, 4096})
    void scan_everyBoundKind_matchesTheModel(int blockSize) throws IOException {
        Random rnd = new Random(31 + blockSize);
        RunModel model = RunModel.random(rnd, 150, 4, 20);
        model.write(dir.resolve("s.run"), 3, blockSize, 10);
        List<Bytes> keys = model.keys();
        try (Run run = Run.open(3, dir.resolve("s.run"), new BlockCache(1 << 20))) {
            for (int i = 0; i < 600; i++) {
                Bound lower = bound(rnd, keys);
                Bound upper = bound(rnd, keys);
                long seq = i % 10 == 0 ? Long.MAX_VALUE : rnd.nextInt(205);
                String where = "scan(" + lower + ", " + upper + ", " + seq + ")";
                assertEntries(model.scan(lower, upper, seq), drain(run.scan(lower, upper, seq)),
                        where);
            }
        }
    }

    @Test
    void versions_everyBlockSize_yieldsEveryVersionInOrder() throws IOException {
        Random rnd = new Random(5);
        RunModel model = RunModel.random(rnd, 300, 5, 60);
        for (int blockSize : BLOCK_SIZES) {
            Path file = dir.resolve("v" + blockSize + ".run");
            RunMeta meta = model.write(file, blockSize, blockSize, 0);
            try (Run run = Run.open(blockSize, file, new BlockCache(0))) {
                assertEntries(model.all(), drain(run.versions()), "blockSize " + blockSize);
                assertEquals(meta, run.meta());
                if (blockSize == 1) {
                    assertEquals(model.versions.size(), run.blockCount(), "one entry a block");
                }
            }
        }
    }

    @Test
    void meta_writerAndReader_agreeOnWhatTheRunHolds() throws IOException {
        RunModel model = RunModel.random(new Random(8), 100, 5, 10);
        RunMeta written = model.write(dir.resolve("m.run"), 42, 256, 10);
        assertEquals(42, written.id());
        assertEquals(model.versions.size(), written.entries());
        assertEquals(Files.size(dir.resolve("m.run")), written.fileSize());
        assertEquals(model.versions.firstKey().key(), written.smallest());
        assertEquals(model.versions.lastKey().key(), written.largest());
        long min = model.versions.keySet().stream().mapToLong(RunModel.Version::sequence).min()
                .orElseThrow();
        long max = model.versions.keySet().stream().mapToLong(RunModel.Version::sequence).max()
                .orElseThrow();
        assertEquals(min, written.minSequence());
        assertEquals(max, written.maxSequence());
        try (Run run = Run.open(42, dir.resolve("m.run"), new BlockCache(0))) {
            assertEquals(written, run.meta());
            assertEquals(dir.resolve("m.run"), run.file());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 10})
    void emptyRun_isWritableAndReadable(int bloomBits) throws IOException {
        Path file = dir.resolve("e.run");
        RunMeta meta;
        try (RunWriter w = RunWriter.create(file, 9, 4096, bloomBits)) {
            meta = w.finish();
        }
        assertEquals(new RunMeta(9, Files.size(file), 0, Bytes.EMPTY, Bytes.EMPTY, 0, 0), meta);
        try (Run run = Run.open(9, file, new BlockCache(1024))) {
            assertEquals(meta, run.meta());
            assertEquals(Optional.empty(), run.get(Bytes.EMPTY, Long.MAX_VALUE));
            assertEquals(Optional.empty(), run.get(Bytes.ofUtf8("x"), 5));
            assertFalse(run.versions().isValid());
            assertFalse(run.scan(Bound.unbounded(), Bound.unbounded(), 9).isValid());
            assertEquals(0, run.blockCount());
        }
    }

    @Test
    void hugeEntries_largerThanABlock_makeBlocksOfTheirOwn() throws IOException {
        Random rnd = new Random(11);
        RunModel model = new RunModel();
        byte[] bigKey = new byte[65_535];
        rnd.nextBytes(bigKey);
        bigKey[0] = 'm';
        model.put(Bytes.ofUtf8("a"), 3, Bytes.ofUtf8("small"));
        model.put(Bytes.wrap(bigKey), 9, RunModel.value(rnd, 1));
        model.put(Bytes.wrap(bigKey), 8, Bytes.wrap(new byte[16 * 1024 * 1024])); // the limit
        model.put(Bytes.ofUtf8("n"), 4, RunModel.value(rnd, 300_000)); // over the write buffer
        model.put(Bytes.ofUtf8("o"), 2, Bytes.ofUtf8("after"));
        Path file = dir.resolve("h.run");
        model.write(file, 1, 4096, 10);
        try (Run run = Run.open(1, file, new BlockCache(64 << 20))) {
            assertEntries(model.all(), drain(run.versions()), "versions");
            for (RunModel.Version v : model.versions.keySet()) {
                assertEquals(model.get(v.key(), v.sequence()), run.get(v.key(), v.sequence()));
            }
            assertTrue(run.blockCount() >= 4, "blocks: " + run.blockCount());
        }
    }

    @Test
    void scan_keysAndValues_areSlicesEqualToWhatWasWritten_andStayValidAfterNext()
            throws IOException {
        RunModel model = RunModel.random(new Random(2), 50, 4, 30);
        model.write(dir.resolve("k.run"), 1, 64, 10);
        try (Run run = Run.open(1, dir.resolve("k.run"), new BlockCache(0))) {
            List<RunModel.Entry> kept = new ArrayList<>();
            var it = run.versions();
            while (it.isValid()) {
                kept.add(new RunModel.Entry(it.key(), it.sequence(), it.value()));
                it.next(); // may load another block: what was handed out must not change
            }
            assertEntries(model.all(), kept, "kept slices");
        }
    }

    private static Bound bound(Random rnd, List<Bytes> keys) {
        Bytes key = rnd.nextInt(4) == 0 ? RunModel.value(rnd, 4)
                : keys.get(rnd.nextInt(keys.size()));
        return switch (rnd.nextInt(3)) {
            case 0 -> Bound.included(key);
            case 1 -> Bound.excluded(key);
            default -> Bound.unbounded();
        };
    }
}
