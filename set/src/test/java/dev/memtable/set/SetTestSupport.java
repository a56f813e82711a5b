package dev.memtable.set;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Helpers shared by the MemTableSet tests. */
final class SetTestSupport {

    /** Generous bound for waits that normally take microseconds (the machine is shared). */
    static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private SetTestSupport() {
    }

    static Bytes b(String s) {
        return Bytes.ofUtf8(s);
    }

    /** Drains an iterator into key → value (a tombstone as ""), checking strict ascent; closes it. */
    static Map<String, String> contents(MemTableIterator it) {
        try (it) {
            Map<String, String> out = new LinkedHashMap<>();
            Bytes previous = null;
            for (; it.isValid(); it.next()) {
                Bytes key = it.key();
                if (previous != null) {
                    assertTrue(previous.compareTo(key) < 0,
                            "keys must ascend strictly: " + previous + " then " + key);
                }
                previous = key;
                out.put(key.toUtf8String(), it.value().toUtf8String());
            }
            return out;
        }
    }

    static Map<String, String> liveContents(MemTableSet set) {
        return contents(set.scan(Bound.unbounded(), Bound.unbounded()));
    }

    static Map<String, String> allContents(MemTableSet set) {
        return contents(set.scanWithTombstones(Bound.unbounded(), Bound.unbounded()));
    }

    /** Starts a daemon thread. */
    static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Waits until {@code t} is in one of {@code states} (it is blocked where the test expects);
     * fails if it ends or the patience runs out.
     */
    static void awaitState(Thread t, Thread.State... states) {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (System.nanoTime() < deadline) {
            Thread.State s = t.getState();
            for (Thread.State wanted : states) {
                if (s == wanted) {
                    return;
                }
            }
            if (s == Thread.State.TERMINATED) {
                fail(t.getName() + " ended instead of blocking in " + Arrays.toString(states));
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        fail(t.getName() + " did not reach " + Arrays.toString(states) + "; it is "
                + t.getState());
    }

    static void join(Thread t) throws InterruptedException {
        t.join(TimeUnit.NANOSECONDS.toMillis(PATIENCE_NANOS));
        if (t.isAlive()) {
            fail(t.getName() + " did not finish; stack: " + Arrays.toString(t.getStackTrace()));
        }
    }
}
