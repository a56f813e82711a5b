package dev.memtable.tck;

/**
 * Makes a race of a flawed self-test backend show on every run, even on a busy machine: a
 * flawed backend calls {@link #widen()} inside its unprotected window (between reading a link and
 * storing it, say). When another thread passed through the same window within the last 20 ms,
 * so that threads really are racing there, the caller yields the processor, as a thread
 * preempted at that point would, and the other thread gets in. A thread alone never
 * yields, so single-threaded rules run at full speed.
 */
final class RaceWindow {

    private static final long RECENT_NANOS = 20_000_000;
    private static final long PAUSE_NANOS = 10_000;

    private volatile Thread last;
    private volatile long lastNanos;

    /** Marks this thread's pass and pauses if another thread passed within the last 20 ms. */
    void widen() {
        Thread me = Thread.currentThread();
        Thread other = last;
        long when = lastNanos;
        long now = System.nanoTime();
        last = me;
        lastNanos = now;
        if (other != null && other != me && now - when < RECENT_NANOS) {
            Thread.yield();
            long until = System.nanoTime() + PAUSE_NANOS;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }
    }
}
