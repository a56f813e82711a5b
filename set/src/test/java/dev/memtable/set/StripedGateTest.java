package dev.memtable.set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StripedGateTest {

    private static final int ROUNDS = Integer.getInteger("memtable.test.rounds", 5);

    @Test
    void shut_withNobodyInsideRunsCallbackAtOnce() {
        AtomicInteger fired = new AtomicInteger();
        StripedGate gate = new StripedGate(fired::incrementAndGet);
        gate.exit(gate.tryEnter());
        assertEquals(0, fired.get(), "an open gate never fires");
        gate.shut();
        assertEquals(1, fired.get());
        gate.shut();
        assertEquals(1, fired.get(), "fires once");
        assertTrue(gate.isShut());
    }

    @Test
    void shut_runsCallbackWhenTheLastThreadInsideLeaves() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        StripedGate gate = new StripedGate(fired::incrementAndGet);
        int mine = gate.tryEnter();
        int[] theirs = new int[1];
        Thread other = new Thread(() -> theirs[0] = gate.tryEnter());
        other.start();
        other.join();
        gate.shut();
        assertEquals(0, fired.get(), "two inside");
        gate.exit(mine);
        assertEquals(0, fired.get(), "one inside");
        gate.exit(theirs[0]);
        assertEquals(1, fired.get());
    }

    @Test
    void tryEnter_afterShutIsRefusedAndLeavesNoTrace() {
        AtomicInteger fired = new AtomicInteger();
        StripedGate gate = new StripedGate(fired::incrementAndGet);
        int inside = gate.tryEnter();
        gate.shut();
        assertEquals(-1, gate.tryEnter());
        assertEquals(0, fired.get(), "a refused entrant does not count as leaving");
        gate.exit(inside);
        assertEquals(1, fired.get());
    }

    /**
     * Threads enter and leave in a loop while the gate is shut at an arbitrary moment: the
     * callback must run exactly once, never while a thread that entered is still inside, and no
     * thread may get in after it ran.
     */
    @Test
    void shut_racingEntrantsNeverFiresWhileOneIsInside() throws Exception {
        for (int round = 0; round < 40 * ROUNDS; round++) {
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger fired = new AtomicInteger();
            AtomicInteger violations = new AtomicInteger();
            StripedGate gate = new StripedGate(() -> {
                if (inside.get() != 0) {
                    violations.incrementAndGet();
                }
                fired.incrementAndGet();
            });
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    while (true) {
                        int token = gate.tryEnter();
                        if (token < 0) {
                            return;
                        }
                        inside.incrementAndGet();
                        if (fired.get() != 0) {
                            violations.incrementAndGet(); // got in after the drain was declared
                        }
                        Thread.onSpinWait();
                        inside.decrementAndGet();
                        gate.exit(token);
                    }
                });
                th.start();
                threads.add(th);
            }
            go.countDown();
            for (int i = 0; i < round % 50; i++) {
                Thread.onSpinWait();
            }
            gate.shut();
            for (Thread th : threads) {
                th.join(30_000);
                assertFalse(th.isAlive());
            }
            assertEquals(0, violations.get(), "fired while a thread was inside or got in afterwards, round " + round);
            assertEquals(1, fired.get(), "round " + round);
        }
    }
}
