package dev.memtable.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The allocator: alignment, chunk growth, dedicated chunks, the full arena, concurrency. */
class ArenaTest {

    @Test
    void allocateNode_isEightByteAlignedForAtomicAccess() {
        Arena arena = new Arena("t", 256, 4096, Arena.MAX_CHUNKS);
        for (int i = 0; i < 1_000; i++) {
            int node = arena.allocateNode(Arena.alignNode(1 + i % 100));
            // The atomic modes throw IllegalStateException on a misaligned address.
            Arena.LONG.setVolatile(arena.chunk(node), Arena.offset(node), (long) i);
            assertEquals((long) i, (long) Arena.LONG.getVolatile(arena.chunk(node),
                    Arena.offset(node)));
            assertTrue(Arena.INT.compareAndSet(arena.chunk(node), Arena.offset(node) + 4, 0, 1));
        }
    }

    @Test
    void allocate_chunksDoubleUpToTheMaximumThenStay() {
        Arena arena = new Arena("t", 256, 4096, Arena.MAX_CHUNKS);
        assertEquals(2, arena.chunkCount(), "one first chunk per region");
        List<Integer> lengths = new ArrayList<>();
        int lastChunk = -1;
        for (int i = 0; i < 200; i++) {
            int node = arena.allocateNode(64);
            byte[] chunk = arena.chunk(node);
            if (node >>> Arena.NODE_OFFSET_BITS != lastChunk) {
                lastChunk = node >>> Arena.NODE_OFFSET_BITS;
                lengths.add(chunk.length);
            }
        }
        assertEquals(List.of(256, 576, 1216, 2496, 4096, 4096), lengths.subList(0, 6));
        long reserved = 256; // the value region's first chunk
        for (int length : lengths) {
            reserved += length;
        }
        assertEquals(reserved, arena.reservedBytes());
    }

    @Test
    void allocate_overAQuarterOfTheLargestChunk_getsADedicatedChunkOfExactSize() {
        Arena arena = new Arena("t", 256, 4096, Arena.MAX_CHUNKS);
        int node = arena.allocateNode(1032);
        assertEquals(Arena.FIRST_OFFSET, Arena.offset(node));
        assertEquals(Arena.FIRST_OFFSET + 1032, arena.chunk(node).length);
        long value = arena.allocateValue(5_000);
        assertEquals(Arena.FIRST_OFFSET, Arena.valueOffset(value));
        assertEquals(Arena.FIRST_OFFSET + 5_000, arena.valueChunk(value).length);
        int small = arena.allocateNode(8);
        assertTrue(arena.chunk(small).length <= 256, "small allocations stay in the first chunk");
    }

    @Test
    void allocate_largerThanAChunkWithProductionSizes_fitsTheLargestValue() {
        Arena arena = new Arena("t");
        long position = arena.allocateValue(16 << 20);
        byte[] chunk = arena.valueChunk(position);
        assertEquals(Arena.FIRST_OFFSET + (16 << 20), chunk.length);
        assertEquals(3, arena.chunkCount(), "two first chunks and the dedicated one");
    }

    @Test
    void allocate_whenNoIndexIsLeft_throwsNamingTheOwner() {
        Arena arena = new Arena("memtable 3", 256, 1024, 4);
        arena.allocateValue(200);
        arena.allocateValue(200); // a 576-byte third chunk: the last index
        arena.allocateValue(200);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> arena.allocateValue(200));
        assertTrue(e.getMessage().startsWith("memtable 3 is full: its arena holds 3 chunks"
                + " (1088 bytes)"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> arena.allocateValue(200));
        assertThrows(IllegalStateException.class, () -> arena.allocateNode(1000));
    }

    @Test
    void allocateNode_chunkIndicesAbove4095_setTheAddressSignBitAndStillResolve() {
        Arena arena = new Arena("t", 256, 256, Arena.MAX_CHUNKS);
        int count = 4_200; // over a quarter of 256 bytes: a dedicated chunk each
        int[] nodes = new int[count];
        for (int i = 0; i < count; i++) {
            nodes[i] = arena.allocateNode(200);
            Arena.LONG.setVolatile(arena.chunk(nodes[i]), Arena.offset(nodes[i]), (long) i);
        }
        assertTrue(nodes[count - 1] < 0, "the last addresses use the top bit");
        for (int i = 0; i < count; i++) {
            assertEquals(Arena.FIRST_OFFSET, Arena.offset(nodes[i]));
            assertEquals((long) i, (long) Arena.LONG.getVolatile(arena.chunk(nodes[i]),
                    Arena.offset(nodes[i])));
        }
    }

    @Test
    void constructor_badGeometry_throwsIllegalArgument() {
        assertThrows(IllegalArgumentException.class,
                () -> new Arena("t", 256, Arena.MAX_CHUNK_BYTES + 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new Arena("t", 8192, 4096, 10));
        assertThrows(IllegalArgumentException.class,
                () -> new Arena("t", 256, 4096, Arena.MAX_CHUNKS + 1));
    }

    @Test
    void allocate_fromSeveralThreads_rangesNeverOverlap() throws Exception {
        Arena arena = new Arena("t", 256, 4096, Arena.MAX_CHUNKS);
        int threads = 4;
        int each = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<long[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                byte stamp = (byte) (t + 1);
                results.add(pool.submit(() -> {
                    start.await();
                    Random random = new Random(stamp);
                    long[] mine = new long[each];
                    for (int i = 0; i < each; i++) {
                        int length = 1 + random.nextInt(300);
                        long position = arena.allocateValue(length);
                        byte[] chunk = arena.valueChunk(position);
                        int from = Arena.valueOffset(position);
                        for (int b = from; b < from + length; b++) {
                            chunk[b] = stamp;
                        }
                        mine[i] = position << 16 | length;
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (int t = 0; t < threads; t++) {
                for (long entry : results.get(t).get(60, TimeUnit.SECONDS)) {
                    long position = entry >>> 16;
                    byte[] chunk = arena.valueChunk(position);
                    int from = Arena.valueOffset(position);
                    for (int b = from; b < from + (int) (entry & 0xFFFF); b++) {
                        assertEquals(t + 1, chunk[b], "a byte was handed out twice");
                    }
                }
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        }
    }
}
