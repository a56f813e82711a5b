package dev.memtable.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to a run file, byte by byte: a flip in the footer, index or filter makes
 * {@link Run#open} throw; a flip in a data block makes every read that touches that block throw;
 * each time a {@link StoreCorruptionException} naming the file and an offset inside the damaged
 * part, and never a damaged byte returned as data. Truncations and foreign files are refused.
 */
class RunCorruptionTest {

    private static final long ID = 7;

    @TempDir
    Path dir;

    private RunModel model;
    private Path file;
    private byte[] intact;
    /** Regions: [start, end) of each data block, then index, filter, footer. */
    private final List<long[]> blocks = new ArrayList<>();
    private long indexStart;
    private long filterStart;
    private long footerStart;

    @BeforeEach
    void writeSample() throws IOException {
        model = RunModel.random(new Random(99), 120, 4, 24);
        file = dir.resolve("sample.run");
        model.write(file, ID, 256, 10);
        intact = Files.readAllBytes(file);
        try (Run run = Run.open(ID, file, new BlockCache(0))) {
            for (int i = 0; i < run.blockCount(); i++) {
                blocks.add(new long[] {run.blockOffset(i), run.blockOffset(i) + run.blockLength(i)});
            }
            indexStart = run.footer().indexOffset();
            filterStart = run.footer().filterOffset();
            footerStart = intact.length - RunFooter.SIZE;
            assertTrue(run.footer().filterLength() > 0 && blocks.size() > 10, "a useful sample");
        }
    }

    @Test
    void flip_everyByteOfFooterIndexAndFilter_isRefusedByOpenAtThatPart() throws IOException {
        for (long at = indexStart; at < intact.length; at++) {
            long start = at >= footerStart ? footerStart : at >= filterStart ? filterStart
                    : indexStart;
            long end = at >= footerStart ? intact.length : at >= filterStart ? footerStart
                    : filterStart;
            damage(flipped(at));
            String where = "byte " + at + " flipped";
            StoreCorruptionException e = assertThrows(StoreCorruptionException.class,
                    () -> Run.open(ID, file, new BlockCache(1 << 20)), where);
            assertDamage(e, start, end, where);
        }
    }

    /**
     * Every byte of the first, a middle and the last block, and in every other block its first
     * and last byte, its entry count and one byte in between.
     */
    @Test
    void flip_dataBlockBytes_failTheReadsOfThatBlockOnly() throws IOException {
        List<RunModel.Entry> all = model.all();
        Random rnd = new Random(3);
        for (int b = 0; b < blocks.size(); b++) {
            long[] block = blocks.get(b);
            boolean everyByte = b == 0 || b == blocks.size() / 2 || b == blocks.size() - 1;
            long[] some = {block[0], block[1] - 1, block[1] - 8,
                    block[0] + rnd.nextInt((int) (block[1] - block[0]))};
            for (long at : everyByte ? range(block[0], block[1]) : some) {
                damage(flipped(at));
                String where = "byte " + at + " of block " + b + " [" + block[0] + ", "
                        + block[1] + ")";
                try (Run run = Run.open(ID, file, new BlockCache(1 << 20))) {
                    List<RunModel.Entry> seen = new ArrayList<>();
                    UncheckedIOException e = assertThrows(UncheckedIOException.class,
                            () -> drainInto(run.versions(), seen), where);
                    assertDamage(e.getCause(), block[0], block[1], where);
                    assertEquals(all.subList(0, seen.size()), seen, where + ": data before it");
                    checkGets(run, block, where);
                }
            }
        }
    }

    private static long[] range(long from, long to) {
        return java.util.stream.LongStream.range(from, to).toArray();
    }

    /** Every key's get is right, or throws the block's damage; never a wrong answer. */
    private void checkGets(Run run, long[] block, String where) {
        int failures = 0;
        for (RunModel.Version v : model.versions.keySet()) {
            Optional<Bytes> expected = model.get(v.key(), v.sequence());
            try {
                assertEquals(expected, run.get(v.key(), v.sequence()), where);
            } catch (UncheckedIOException e) {
                assertDamage(e.getCause(), block[0], block[1], where + ", get " + v);
                failures++;
            }
        }
        assertTrue(failures > 0, where + ": no get touched the damaged block");
    }

    @Test
    void truncate_atManyPoints_isRefusedByOpen() throws IOException {
        long[] sizes = {0, 1, RunFooter.SIZE - 1, RunFooter.SIZE, blocks.get(0)[1],
                intact.length / 2, indexStart, indexStart + 1, filterStart, filterStart + 3,
                footerStart, footerStart + 1, intact.length - 1};
        for (long size : sizes) {
            byte[] cut = java.util.Arrays.copyOf(intact, (int) size);
            damage(cut);
            String where = "truncated to " + size;
            StoreCorruptionException e = assertThrows(StoreCorruptionException.class,
                    () -> Run.open(ID, file, new BlockCache(0)), where);
            assertDamage(e, 0, size, where);
        }
    }

    @Test
    void append_garbage_isRefusedByOpen() throws IOException {
        byte[] longer = java.util.Arrays.copyOf(intact, intact.length + 5);
        damage(longer);
        assertDamage(assertThrows(StoreCorruptionException.class,
                () -> Run.open(ID, file, new BlockCache(0))), intact.length - RunFooter.SIZE + 5,
                longer.length, "5 bytes appended");
    }

    @Test
    void truncate_afterOpen_failsTheReadOfTheMissingBlock() throws IOException {
        try (Run run = Run.open(ID, file, new BlockCache(0))) {
            long[] last = blocks.get(blocks.size() - 1);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(last[0] + 3);
            }
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> RunModel.drain(run.versions()));
            assertDamage(e.getCause(), last[0], last[1], "truncated after open");
        }
    }

    @Test
    void open_otherVersionWithValidChecksum_isRefusedNamingTheVersion() throws IOException {
        byte[] b = intact.clone();
        int v = (int) footerStart + 64;
        RunFormat.putInt(b, v, 2);
        RunFormat.putInt(b, (int) footerStart + 72, RunFormat.crc(b, (int) footerStart,
                (int) footerStart + 72));
        damage(b);
        StoreCorruptionException e = assertThrows(StoreCorruptionException.class,
                () -> Run.open(ID, file, new BlockCache(0)));
        assertDamage(e, v, v + 4, "version 2");
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void open_asAnotherRunId_isRefused() {
        StoreCorruptionException e = assertThrows(StoreCorruptionException.class,
                () -> Run.open(ID + 1, file, new BlockCache(0)));
        assertDamage(e, footerStart, intact.length, "opened as another id");
        assertTrue(e.getMessage().contains("run " + ID), e.getMessage());
    }

    @Test
    void open_aFileThatIsNotARun_isRefusedAtTheMagic() throws IOException {
        byte[] text = new byte[500];
        java.util.Arrays.fill(text, (byte) 'x');
        damage(text);
        StoreCorruptionException e = assertThrows(StoreCorruptionException.class,
                () -> Run.open(ID, file, new BlockCache(0)));
        assertDamage(e, 500 - RunFooter.SIZE, 500, "not a run");
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    // ------------------------------------------------------------------ helpers

    private byte[] flipped(long at) {
        byte[] b = intact.clone();
        b[(int) at] ^= (byte) (1 << (at % 8));
        return b;
    }

    private void damage(byte[] content) throws IOException {
        Files.write(file, content);
    }

    private static void drainInto(MemTableIterator it, List<RunModel.Entry> seen) {
        try (it) {
            for (; it.isValid(); it.next()) {
                seen.add(new RunModel.Entry(it.key(), it.sequence(), it.value()));
            }
        }
    }

    /** {@code t} is a StoreCorruptionException naming the file, at an offset in [start, end). */
    private void assertDamage(Throwable t, long start, long end, String where) {
        StoreCorruptionException e = assertInstanceOf(StoreCorruptionException.class, t, where);
        assertEquals(file, e.file(), where);
        assertTrue(e.getMessage().contains(file.toString()), where + ": " + e.getMessage());
        if (e.offset() < start || e.offset() >= Math.max(end, start + 1)) {
            fail(where + ": offset " + e.offset() + " is outside the damaged part [" + start
                    + ", " + end + "): " + e.getMessage());
        }
    }
}
