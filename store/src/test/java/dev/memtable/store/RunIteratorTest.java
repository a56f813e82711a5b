package dev.memtable.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The iterator rules of {@link dev.memtable.MemTableIterator} on a run's iterators, reads racing
 * with close, an interrupted reader, and reads from many threads at once.
 */
class RunIteratorTest {

    @TempDir
    Path dir;

    private RunModel model;
    private Path file;

    @BeforeEach
    void writeSample() throws IOException {
        model = RunModel.random(new Random(17), 200, 4, 30);
        file = dir.resolve("i.run");
        model.write(file, 1, 128, 10);
    }

    @Test
    void iterator_pastTheEnd_isInvalidAndNextDoesNothing() throws IOException {
        try (Run run = Run.open(1, file, new BlockCache(0));
             MemTableIterator it = run.scan(Bound.unbounded(), Bound.unbounded(), 1)) {
            while (it.isValid()) {
                it.next();
            }
            it.next();
            assertFalse(it.isValid());
            assertThrows(NoSuchElementException.class, it::key);
            assertThrows(NoSuchElementException.class, it::value);
            assertThrows(NoSuchElementException.class, it::sequence);
        }
    }

    @Test
    void iterator_afterClose_isInvalidAndThrowsIllegalState() throws IOException {
        try (Run run = Run.open(1, file, new BlockCache(0))) {
            MemTableIterator it = run.versions();
            assertTrue(it.isValid());
            it.close();
            it.close(); // idempotent
            assertFalse(it.isValid());
            assertThrows(IllegalStateException.class, it::key);
            assertThrows(IllegalStateException.class, it::value);
            assertThrows(IllegalStateException.class, it::sequence);
            assertThrows(IllegalStateException.class, it::next);
        }
    }

    @Test
    void iterator_afterRunClose_isInvalidAndThrowsIllegalState() throws IOException {
        Run run = Run.open(1, file, new BlockCache(1 << 20));
        MemTableIterator it = run.versions();
        it.next();
        assertTrue(it.isValid());
        run.close();
        assertFalse(it.isValid());
        assertThrows(IllegalStateException.class, it::key);
        assertThrows(IllegalStateException.class, it::next);
        it.close();
        assertThrows(IllegalStateException.class, run::versions);
        assertThrows(IllegalStateException.class,
                () -> run.scan(Bound.unbounded(), Bound.unbounded(), 5));
        assertThrows(IllegalStateException.class, () -> run.get(Bytes.EMPTY, 5));
    }

    @Test
    void reads_badArguments_areRejected() throws IOException {
        try (Run run = Run.open(1, file, new BlockCache(0))) {
            assertEquals("key", assertThrows(NullPointerException.class,
                    () -> run.get(null, 1)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> run.get(Bytes.EMPTY, -1));
            assertEquals("lower", assertThrows(NullPointerException.class,
                    () -> run.scan(null, Bound.unbounded(), 1)).getMessage());
            assertEquals("upper", assertThrows(NullPointerException.class,
                    () -> run.scan(Bound.unbounded(), null, 1)).getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> run.scan(Bound.unbounded(), Bound.unbounded(), -1));
            assertFalse(run.scan(Bound.unbounded(), Bound.unbounded(), 0).isValid());
        }
    }

    @Test
    void get_interruptedReader_failsAlone_andTheRunStaysReadable() throws Exception {
        Bytes key = model.keys().get(100);
        try (Run run = Run.open(1, file, new BlockCache(0))) {
            Thread.currentThread().interrupt();
            try {
                UncheckedIOException e = assertThrows(UncheckedIOException.class,
                        () -> run.get(key, Long.MAX_VALUE));
                assertInstanceOf(ClosedByInterruptException.class, e.getCause());
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt status is kept");
            }
            assertEquals(model.get(key, Long.MAX_VALUE), run.get(key, Long.MAX_VALUE));
            assertEquals(model.all().size(), RunModel.drain(run.versions()).size());
        }
    }

    @Test
    void reads_fromManyThreads_agreeWithTheModel() throws Exception {
        List<RunModel.Version> versions = new ArrayList<>(model.versions.keySet());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Run run = Run.open(1, file, new BlockCache(8 * 1024))) { // small: evictions race
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    for (int i = 0; i < 3000; i++) {
                        RunModel.Version v = versions.get(rnd.nextInt(versions.size()));
                        long seq = rnd.nextInt(202);
                        assertEquals(model.get(v.key(), seq), run.get(v.key(), seq));
                        if (i % 500 == 0) {
                            RunModel.assertEntries(model.all(), RunModel.drain(run.versions()),
                                    "thread " + seed);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
