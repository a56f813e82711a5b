package dev.memtable.set;

import dev.memtable.Bytes;
import dev.memtable.MemTable;

import static dev.memtable.set.MemTableSetTest.ids;
import static dev.memtable.set.SetTestSupport.allContents;
import static dev.memtable.set.SetTestSupport.awaitState;
import static dev.memtable.set.SetTestSupport.b;
import static dev.memtable.set.SetTestSupport.join;
import static dev.memtable.set.SetTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Back-pressure: with {@code maxImmutables} reached, a write that needs a freeze stalls until a
 * table is released, or fails after the stall timeout without being applied.
 */
class MemTableSetBackPressureTest {

    /**
     * Eight bytes: with a two-byte key and the 8 bytes a version counts
     * ({@link dev.memtable.MemTable#VERSION_BYTES}), such a write counts 18 bytes, so with
     * {@code freezeAtBytes(18)} every such write fills its table.
     */
    private static final Bytes TEN = b("12345678");

    /**
     * A set at its limit of one immutable table whose mutable table is full: the next write
     * needs a freeze.
     */
    private static MemTableSet fullSet(Duration stallTimeout) throws IOException {
        MemTableSet set = MemTableSet.builder().backend(TestBackend.concurrent())
                .freezeAtBytes(18).maxImmutables(1).stallTimeout(stallTimeout).build();
        set.put(b("k1"), TEN); // fills and freezes the first table
        set.put(b("k2"), TEN); // fills the second; no room to freeze it, but applied
        assertEquals(1, set.immutables().size());
        assertEquals(Optional.of(TEN), set.mutable().get(b("k2")));
        return set;
    }

    @Test
    void put_stallsAtLimitAndResumesWhenATableIsReleased() throws Exception {
        try (MemTableSet set = fullSet(Duration.ofMinutes(2))) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            // Small writes: once room is made, both fit into the new table.
            Thread w3 = start("writer-3", () -> run(() -> set.put(b("k3"), b("x")), failure));
            Thread w4 = start("writer-4", () -> run(() -> set.delete(b("k4")), failure));
            awaitState(w3, Thread.State.TIMED_WAITING);
            awaitState(w4, Thread.State.TIMED_WAITING);
            assertEquals(Optional.empty(), set.get(b("k3")), "a stalled write is not applied yet");
            assertEquals(Optional.empty(), set.get(b("k4")));
            assertEquals(1, set.immutables().size());

            set.flushed(set.oldestImmutable().orElseThrow());
            join(w3);
            join(w4);
            assertEquals(null, failure.get());
            assertEquals(Optional.of(b("x")), set.get(b("k3")));
            assertEquals(Optional.of(Bytes.EMPTY), set.get(b("k4")));
            assertEquals(Optional.of(TEN), set.get(b("k2")));
            assertEquals(1, set.immutables().size(), "the limit still holds");
            assertEquals(Optional.of(TEN), set.immutables().get(0).get(b("k2")),
                    "the full table was frozen to make room");
        }
    }

    @Test
    void put_stallTimesOutWithClearMessageAndIsNotApplied() throws IOException {
        try (MemTableSet set = fullSet(Duration.ofMillis(200))) {
            List<Long> idsBefore = ids(set);
            Map<String, String> before = allContents(set);
            long start = System.nanoTime();
            WriteStallException e = assertThrows(WriteStallException.class,
                    () -> set.put(b("k3"), TEN));
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(200).toNanos(),
                    "gave up before the timeout");
            assertTrue(e.getMessage().contains("holds 1 immutable tables (maxImmutables = 1)"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("(stallTimeout 200 ms)"), e.getMessage());
            assertTrue(e.getMessage().contains("The write was not applied; the set is unchanged"),
                    e.getMessage());
            assertEquals(1, e.maxImmutables());
            assertTrue(e.waited().compareTo(Duration.ofMillis(200)) >= 0, e.waited().toString());
            assertEquals(idsBefore, ids(set));
            assertEquals(before, allContents(set));

            // Retrying after a release succeeds.
            set.flushed(set.oldestImmutable().orElseThrow());
            set.put(b("k3"), TEN);
            assertEquals(Optional.of(TEN), set.get(b("k3")));
        }
    }

    @Test
    void put_interruptedStallIsNotAppliedAndKeepsInterruptStatus() throws Exception {
        try (MemTableSet set = fullSet(Duration.ofMinutes(2))) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
            Thread w = start("writer", () -> {
                try {
                    set.put(b("k3"), TEN);
                } catch (RuntimeException e) {
                    thrown.set(e);
                }
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
            awaitState(w, Thread.State.TIMED_WAITING);
            w.interrupt();
            join(w);
            WriteStallException e = assertInstanceOf(WriteStallException.class, thrown.get());
            assertInstanceOf(InterruptedException.class, e.getCause());
            assertTrue(e.getMessage().contains("was interrupted"), e.getMessage());
            assertEquals(Boolean.TRUE, interruptedAfter.get());
            assertEquals(Optional.empty(), set.get(b("k3")));
        }
    }

    @Test
    void freeze_stallsAtLimitLikeAWrite() throws IOException {
        try (MemTableSet set = fullSet(Duration.ofMillis(100))) {
            List<Long> idsBefore = ids(set);
            assertThrows(WriteStallException.class, set::freeze);
            assertEquals(idsBefore, ids(set));
            set.flushed(set.oldestImmutable().orElseThrow());
            assertTrue(set.freeze());
            assertEquals(Optional.of(TEN), set.immutables().get(0).get(b("k2")));
        }
    }

    @Test
    void put_badInputFailsAtOnceEvenWhenStalled() throws IOException {
        try (MemTableSet set = fullSet(Duration.ofMinutes(2))) {
            assertThrows(NullPointerException.class, () -> set.put(null, TEN));
            assertThrows(IllegalArgumentException.class, () -> set.put(b("k"),
                    Bytes.wrap(new byte[MemTable.MAX_VALUE_LENGTH + 1])));
        }
    }

    @Test
    void close_wakesStalledWriterWithIllegalState() throws Exception {
        MemTableSet set = fullSet(Duration.ofMinutes(2));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread w = start("writer", () -> run(() -> set.put(b("k3"), TEN), thrown));
        awaitState(w, Thread.State.TIMED_WAITING);
        set.close();
        join(w);
        IllegalStateException e = assertInstanceOf(IllegalStateException.class, thrown.get());
        assertEquals("memtable set is closed", e.getMessage());
    }

    private static void run(Runnable write, AtomicReference<Throwable> failure) {
        try {
            write.run();
        } catch (RuntimeException | Error e) {
            failure.set(e);
        }
    }
}
