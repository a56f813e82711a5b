package dev.memtable.set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.MemTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link Sequencer}: taking, finishing out of order, ordered publication. */
class SequencerTest {

    @Test
    void publishesOnlyARunOfFinishedSequences() {
        Sequencer s = new Sequencer(10);
        long a = s.next();
        long b = s.next();
        long c = s.next();
        assertEquals(List.of(11L, 12L, 13L), List.of(a, b, c));
        assertEquals(13, s.taken());
        s.finish(c);
        s.finish(b);
        assertEquals(10, s.published(), "11 is not finished: nothing above it is published");
        s.finish(a);
        assertEquals(13, s.published(), "the last to finish publishes the whole run");
    }

    @Test
    void wrapsAroundTheRingManyTimes() {
        Sequencer s = new Sequencer(0);
        for (int round = 0; round < 10_000; round++) {
            long x = s.next();
            long y = s.next();
            s.finish(y);
            s.finish(x);
            assertEquals(y, s.published());
        }
    }

    @Test
    void refusesToGoPastMaxSequence() {
        Sequencer s = new Sequencer(MemTable.MAX_SEQUENCE - 1);
        assertEquals(MemTable.MAX_SEQUENCE, s.next());
        IllegalStateException e = assertThrows(IllegalStateException.class, s::next);
        assertTrue(e.getMessage().contains("MAX_SEQUENCE"), e.getMessage());
        assertThrows(IllegalStateException.class, s::next, "stays exhausted, never wraps");
        assertEquals(MemTable.MAX_SEQUENCE, s.taken());
        assertThrows(IllegalArgumentException.class, () -> new Sequencer(-1));
        assertThrows(IllegalArgumentException.class,
                () -> new Sequencer(MemTable.MAX_SEQUENCE + 1));
    }

    /**
     * Threads take and finish sequences with random delays, released together each round: the
     * published sequence never passes a sequence that is not finished, and ends at the last.
     */
    @Test
    void concurrentFinishersNeverPublishPastAGap() throws Exception {
        int threads = 4;
        int perRound = 200;
        int rounds = 20;
        Sequencer s = new Sequencer(0);
        AtomicLongArray finished = new AtomicLongArray(threads * perRound * rounds + 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            all.add(SetTestSupport.start("finisher-" + t, () -> {
                try {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int round = 0; round < rounds; round++) {
                        barrier.await();
                        for (int i = 0; i < perRound; i++) {
                            long q = s.next();
                            if (r.nextInt(8) == 0) {
                                Thread.yield();
                            }
                            finished.set((int) q, 1);
                            s.finish(q);
                            long p = s.published();
                            for (long k = Math.max(1, p - 64); k <= p; k++) {
                                if (finished.get((int) k) == 0) {
                                    throw new AssertionError("published " + p
                                            + " but " + k + " is not finished");
                                }
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : all) {
            SetTestSupport.join(t);
        }
        assertNull(failure.get(), () -> "failed: " + failure.get());
        assertEquals((long) threads * perRound * rounds, s.published());
        s.awaitPublished(s.published()); // returns at once
        assertFalse(s.published() < s.taken());
    }
}
