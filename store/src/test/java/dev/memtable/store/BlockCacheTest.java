package dev.memtable.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block cache: hits and misses counted, its weight bounded, closed runs' blocks dropped. */
class BlockCacheTest {

    @TempDir
    Path dir;

    /** A run of {@code keys} keys "k00000".. with 100-byte values in 1 KiB blocks. */
    private RunMeta write(Path file, long id, int keys) throws IOException {
        RunModel model = new RunModel();
        Random rnd = new Random(id);
        for (int i = 0; i < keys; i++) {
            byte[] v = new byte[100];
            rnd.nextBytes(v);
            model.put(key(i), 1, Bytes.wrap(v));
        }
        return model.write(file, id, 1024, 10);
    }

    private static Bytes key(int i) {
        return Bytes.ofUtf8(String.format("k%05d", i));
    }

    @Test
    void get_sameBlockTwice_isOneMissThenOneHit() throws IOException {
        write(dir.resolve("1.run"), 1, 100);
        BlockCache cache = new BlockCache(1 << 20);
        try (Run run = Run.open(1, dir.resolve("1.run"), cache)) {
            assertEquals(new BlockCacheStats(0, 0, 0, 0, 1 << 20), cache.stats());
            run.get(key(0), Long.MAX_VALUE);
            assertEquals(1, cache.stats().misses());
            assertEquals(0, cache.stats().hits());
            run.get(key(1), Long.MAX_VALUE); // same block
            assertEquals(1, cache.stats().misses());
            assertEquals(1, cache.stats().hits());
            cache.cleanUp();
            assertEquals(run.blockLength(0) + BlockCache.ENTRY_OVERHEAD,
                    cache.stats().weightBytes());
            // Filtered out, or (a false positive) block 0 again: never another miss.
            run.get(Bytes.ofUtf8("absent"), Long.MAX_VALUE);
            assertEquals(1, cache.stats().misses());
        }
    }

    @Test
    void weight_fillPastCapacity_staysWithinCapacityAndEvicts() throws IOException {
        RunMeta meta = write(dir.resolve("2.run"), 2, 5000); // about 570 KB of blocks
        long capacity = 64 * 1024;
        BlockCache cache = new BlockCache(capacity);
        try (Run run = Run.open(2, dir.resolve("2.run"), cache)) {
            assertTrue(meta.fileSize() > 4 * capacity);
            for (int i = 0; i < 5000; i++) {
                assertEquals(100, run.get(key(i), 5).orElseThrow().length());
            }
            cache.cleanUp();
            BlockCacheStats s = cache.stats();
            assertTrue(s.weightBytes() <= capacity, s.toString());
            assertTrue(s.weightBytes() > capacity / 2, s.toString());
            assertTrue(s.evictions() > 0, s.toString());
            assertEquals(capacity, s.capacityBytes());
            assertEquals(5000, s.hits() + s.misses());
            assertTrue(s.misses() >= run.blockCount(), s.toString());
        }
    }

    @Test
    void close_run_dropsItsBlocksButNotOtherRuns() throws IOException {
        write(dir.resolve("3.run"), 3, 1000);
        write(dir.resolve("4.run"), 4, 1000);
        BlockCache cache = new BlockCache(16 << 20);
        Run three = Run.open(3, dir.resolve("3.run"), cache);
        try (Run four = Run.open(4, dir.resolve("4.run"), cache)) {
            RunModel.drain(three.versions());
            RunModel.drain(four.versions());
            cache.cleanUp();
            assertEquals(three.blockCount() + four.blockCount(), cache.blockCount());
            three.close();
            cache.cleanUp();
            assertEquals(four.blockCount(), cache.blockCount());
            long fourWeight = 0;
            for (int i = 0; i < four.blockCount(); i++) {
                fourWeight += four.blockLength(i) + BlockCache.ENTRY_OVERHEAD;
            }
            assertEquals(fourWeight, cache.stats().weightBytes());
            assertEquals(0, cache.stats().evictions(), "an invalidation is not an eviction");
            three.close(); // idempotent
            assertThrows(IllegalStateException.class, () -> three.get(key(1), 1));
        }
        cache.cleanUp();
        assertEquals(0, cache.blockCount());
        assertEquals(0, cache.stats().weightBytes());
    }

    @Test
    void capacityZero_cachesNothingButCountsMisses() throws IOException {
        write(dir.resolve("5.run"), 5, 100);
        BlockCache cache = new BlockCache(0);
        try (Run run = Run.open(5, dir.resolve("5.run"), cache)) {
            for (int i = 0; i < 10; i++) {
                assertTrue(run.get(key(0), 1).isPresent());
            }
            assertEquals(new BlockCacheStats(0, 10, 0, 0, 0), cache.stats());
            assertEquals(0, cache.stats().hitRate());
        }
    }

    @Test
    void constructor_negativeCapacity_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> new BlockCache(-1));
    }
}
