package dev.memtable.store;

import static dev.memtable.store.RunModel.assertEntries;
import static dev.memtable.store.RunModel.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RunWriter's argument checks and states: what it refuses, and that a refusal changes nothing. */
class RunWriterTest {

    @TempDir
    Path dir;

    private static Bytes b(String s) {
        return Bytes.ofUtf8(s);
    }

    @Test
    void add_outOfOrder_isRejectedNamingBoth_andTheWriterStaysUsable() throws IOException {
        Path file = dir.resolve("o.run");
        RunModel model = new RunModel();
        try (RunWriter w = RunWriter.create(file, 1, 64, 10)) {
            w.add(b("b"), 5, b("v5"));
            model.put(b("b"), 5, b("v5"));
            IllegalArgumentException smallerKey = assertThrows(IllegalArgumentException.class,
                    () -> w.add(b("a"), 9, b("x")));
            assertTrue(smallerKey.getMessage().contains("b\"a\"")
                    && smallerKey.getMessage().contains("b\"b\"")
                    && smallerKey.getMessage().contains("sequence 9")
                    && smallerKey.getMessage().contains("sequence 5"), smallerKey.getMessage());
            assertThrows(IllegalArgumentException.class, () -> w.add(b("b"), 5, b("same")));
            assertThrows(IllegalArgumentException.class, () -> w.add(b("b"), 6, b("newer")));
            w.add(b("b"), 4, b("v4"));
            model.put(b("b"), 4, b("v4"));
            w.add(b("c"), 100, Bytes.EMPTY);
            model.put(b("c"), 100, Bytes.EMPTY);
            assertEquals(3, w.finish().entries());
        }
        try (Run run = Run.open(1, file, new BlockCache(0))) {
            assertEntries(model.all(), drain(run.versions()), "after rejections");
        }
    }

    @Test
    void add_badArguments_areRejectedNamingTheArgument() throws IOException {
        try (RunWriter w = RunWriter.create(dir.resolve("a.run"), 1, 4096, 10)) {
            assertEquals("key", assertThrows(NullPointerException.class,
                    () -> w.add(null, 1, b("v"))).getMessage());
            assertEquals("value", assertThrows(NullPointerException.class,
                    () -> w.add(b("k"), 1, null)).getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> w.add(b("k"), 0, b("v"))).getMessage().contains("sequence 0"));
            assertThrows(IllegalArgumentException.class, () -> w.add(b("k"), -3, b("v")));
            assertThrows(IllegalArgumentException.class,
                    () -> w.add(b("k"), MemTable.MAX_SEQUENCE + 1, b("v")));
            assertThrows(IllegalArgumentException.class,
                    () -> w.add(Bytes.wrap(new byte[MemTable.MAX_KEY_LENGTH + 1]), 1, b("v")));
            assertThrows(IllegalArgumentException.class,
                    () -> w.add(b("k"), 1, Bytes.wrap(new byte[MemTable.MAX_VALUE_LENGTH + 1])));
            assertEquals(0, w.entries());
            w.add(b("k"), MemTable.MAX_SEQUENCE, b("v"));
            assertEquals(1, w.finish().entries());
        }
    }

    @Test
    void create_existingFile_isRefusedAndLeftAlone() throws IOException {
        Path file = dir.resolve("x.run");
        Files.write(file, new byte[] {1, 2, 3});
        assertThrows(FileAlreadyExistsException.class, () -> RunWriter.create(file, 1, 4096, 10));
        assertEquals(3, Files.size(file));
    }

    @Test
    void create_badSettings_areRejected() {
        Path file = dir.resolve("y.run");
        assertThrows(IllegalArgumentException.class, () -> RunWriter.create(file, 1, 0, 10));
        assertThrows(IllegalArgumentException.class,
                () -> RunWriter.create(file, 1, StoreOptions.MAX_BLOCK_SIZE + 1, 10));
        assertThrows(IllegalArgumentException.class, () -> RunWriter.create(file, 1, 4096, -1));
        assertThrows(IllegalArgumentException.class, () -> RunWriter.create(file, 1, 4096, 33));
        assertThrows(NullPointerException.class, () -> RunWriter.create(null, 1, 4096, 10));
        assertTrue(Files.notExists(file));
    }

    @Test
    void finish_twiceOrAddAfter_throwsIllegalState() throws IOException {
        try (RunWriter w = RunWriter.create(dir.resolve("f.run"), 1, 4096, 10)) {
            w.add(b("a"), 1, b("v"));
            w.finish();
            assertThrows(IllegalStateException.class, w::finish);
            assertThrows(IllegalStateException.class, () -> w.add(b("b"), 1, b("v")));
        }
    }

    @Test
    void close_beforeFinish_leavesAnIncompleteFileThatDoesNotOpen() throws IOException {
        Path file = dir.resolve("u.run");
        RunWriter w = RunWriter.create(file, 1, 64, 10);
        for (int i = 0; i < 100; i++) {
            w.add(b(String.format("k%04d", i)), 1, b("value"));
        }
        w.close();
        w.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> w.add(b("z"), 1, b("v")));
        assertTrue(Files.exists(file));
        assertThrows(StoreCorruptionException.class, () -> Run.open(1, file, new BlockCache(0)));
    }

    @Test
    void finish_blocks_stayWithinTheBlockSizeUnlessOneEntryIsLarger() throws IOException {
        Path file = dir.resolve("bs.run");
        try (RunWriter w = RunWriter.create(file, 1, 256, 0)) {
            for (int i = 0; i < 500; i++) {
                w.add(b(String.format("k%04d", i)), 1, Bytes.wrap(new byte[i % 50 + 1]));
            }
            w.add(b("z"), 1, Bytes.wrap(new byte[1000]));
            w.finish();
        }
        try (Run run = Run.open(1, file, new BlockCache(0))) {
            for (int i = 0; i < run.blockCount() - 1; i++) {
                assertTrue(run.blockLength(i) <= 256, "block " + i + ": " + run.blockLength(i));
                // Closed only when the next entry (at most 73 bytes, offset included) won't fit;
                // the block before the big entry is the exception.
                assertTrue(i == run.blockCount() - 2 || run.blockLength(i) > 256 - 73,
                        "block " + i + " was closed too early: " + run.blockLength(i));
            }
            assertTrue(run.blockLength(run.blockCount() - 1) > 1000);
        }
    }
}
