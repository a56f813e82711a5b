package dev.memtable.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs threads in rounds, so that a concurrency rule makes its threads contend at the same moment
 * and checks its invariant after every round, not only at the end. Every round starts for all
 * threads together (a barrier, then a start gate that holds each woken thread until all are
 * awake), and once every thread has finished it, a check runs while all of them wait; then the
 * next round starts. The first failure, of a thread or of a check, stops
 * every thread and is the one reported.
 *
 * <p>A rule's threads may also wait for each other inside a round (a writer waiting until the
 * scanners hold open iterators, say) with {@link #await(CountDownLatch)}, which gives up when the
 * run has failed elsewhere.
 */
final class Rounds {

    /** One thread's share of a round. */
    @FunctionalInterface
    interface Task {
        /**
         * Does this thread's work of round {@code round} (0, 1, 2, …).
         *
         * @throws Exception any failure; it fails the rule
         */
        void run(int round) throws Exception;
    }

    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger started = new AtomicInteger();
    private final Phaser phaser;

    /**
     * @param beforeRound runs once before each round, with its number, while every thread waits
     *     (to prepare shared state for the round)
     * @param afterRound runs once after each round, with its number, while every thread waits;
     *     it sees everything the threads did and checks the rule's invariant (throwing an
     *     {@link AssertionError} fails the rule)
     */
    Rounds(IntConsumer beforeRound, IntConsumer afterRound) {
        this.phaser = new Phaser() {
            @Override
            protected boolean onAdvance(int phase, int registeredParties) {
                if (failure.get() == null) {
                    try {
                        if (phase % 2 == 0) {
                            beforeRound.accept(phase / 2);
                        } else {
                            afterRound.accept(phase / 2);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }
                return failure.get() != null;
            }
        };
    }

    /**
     * Runs each of {@code tasks} in its own thread through {@code rounds} rounds, with the
     * checks given to the constructor between them. Call it once.
     *
     * @param what names the threads and the failure messages, e.g. {@code "conc02-writer"}
     * @throws AssertionError the first failure: a task's (its message naming the thread) or a
     *     check's; or the threads were still running after {@code timeout}
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    void run(String what, Duration timeout, int rounds, List<Task> tasks)
            throws InterruptedException {
        phaser.bulkRegister(tasks.size());
        List<Callable<?>> threads = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            Task task = tasks.get(i);
            String name = "tck-" + what + "-" + i;
            threads.add(() -> {
                for (int r = 0; r < rounds; r++) {
                    if (phaser.arriveAndAwaitAdvance() < 0 || failed()) {
                        return null;
                    }
                    startTogether(tasks.size(), r);
                    try {
                        task.run(r);
                    } catch (Throwable e) {
                        String problem = e instanceof AssertionError ? e.getMessage()
                                : "threw " + e;
                        failure.compareAndSet(null, new AssertionError(name + ", round " + r
                                + ": " + problem, e));
                        phaser.forceTermination();
                        return null;
                    }
                    if (phaser.arriveAndAwaitAdvance() < 0 || failed()) {
                        return null;
                    }
                }
                return null;
            });
        }
        try {
            TckSupport.runConcurrently(what, timeout, threads);
        } catch (AssertionError stuck) {
            Throwable first = failure.get();
            if (first != null) {
                stuck.addSuppressed(first);
            }
            throw stuck;
        }
        Throwable first = failure.get();
        if (first instanceof AssertionError e) {
            throw e;
        }
        if (first != null) {
            throw new AssertionError("a check between rounds threw " + first, first);
        }
    }

    /**
     * The start gate of a round: a thread woken by the barrier spins (yielding) until every
     * thread of the round is awake, so that those the processors run start their work within
     * microseconds of each other rather than one wake-up after another.
     */
    private void startTogether(int parties, int round) {
        int target = parties * (round + 1);
        started.incrementAndGet();
        while (started.get() < target && !failed()) {
            Thread.yield();
        }
    }

    /**
     * Waits until {@code latch} opens; returns false at once if the run has failed (so the
     * caller stops), or after the deadline of a stuck peer.
     *
     * @throws InterruptedException if interrupted
     */
    boolean await(CountDownLatch latch) throws InterruptedException {
        while (failure.get() == null && !phaser.isTerminated()) {
            if (latch.await(10, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
    }

    /** Returns true once some thread or check has failed: a long loop should stop. */
    boolean failed() {
        return failure.get() != null;
    }
}
