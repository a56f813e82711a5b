package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.value;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntBiFunction;

/** The checks and value encodings the concurrency rules share. */
final class ConcurrencySupport {

    /**
     * How long a writer may stay parked (waiting for a lock) while another thread holds an
     * iterator open and does nothing, before the rule says the iterator blocks writers. A correct
     * backend parks a writer for microseconds; a machine under load deschedules threads but does
     * not park them.
     */
    static final long PARKED_MILLIS = 1_000;

    private ConcurrencySupport() {
    }

    /** The number of rounds of conc01–conc03: the system property's, if set, at least 1. */
    static int rounds() {
        return Math.max(1, Integer.getInteger(ConcurrencyRules.ROUNDS_PROPERTY,
                ConcurrencyRules.DEFAULT_ROUNDS));
    }

    /** Something a scan does once while it is open, between two entries. */
    @FunctionalInterface
    interface Pause {
        void run() throws InterruptedException;
    }

    /**
     * Drains {@code t.scan(lower, upper)}, checking that keys are strictly ascending and within
     * the bounds and each entry passes {@code check} (which throws an {@link AssertionError} for
     * a wrong value and returns the key's index); returns the indexes of the keys seen. After
     * {@code pauseAfter} entries (or at the end, if there are fewer) it runs {@code pause} once,
     * with the iterator still open.
     */
    static BitSet checkScan(MemTable t, Bound lower, Bound upper,
                            ToIntBiFunction<Bytes, Bytes> check, int pauseAfter, Pause pause)
            throws InterruptedException {
        BitSet seen = new BitSet();
        int read = 0;
        boolean paused = pause == null;
        try (MemTableIterator it = t.scan(lower, upper)) {
            Bytes previous = null;
            for (; it.isValid(); it.next()) {
                if (!paused && read == pauseAfter) {
                    paused = true;
                    pause.run();
                    if (!it.isValid()) {
                        break;
                    }
                }
                Bytes k = it.key();
                Bytes v = it.value();
                if (previous != null && ReferenceModel.UNSIGNED.compare(previous, k) >= 0) {
                    throw new AssertionError("scan(" + lower + ", " + upper + ") yielded "
                            + previous + " then " + k
                            + ": keys must be strictly ascending, never repeated");
                }
                if (!ReferenceModel.inRange(k, lower, upper)) {
                    throw new AssertionError("scan(" + lower + ", " + upper + ") yielded " + k
                            + ", which is outside its bounds");
                }
                seen.set(check.applyAsInt(k, v));
                previous = k;
                read++;
            }
            if (!paused) {
                pause.run();
            }
        }
        return seen;
    }

    /** Same as {@link #checkScan(MemTable, Bound, Bound, ToIntBiFunction, int, Pause)} without a pause. */
    static BitSet checkScan(MemTable t, Bound lower, Bound upper,
                            ToIntBiFunction<Bytes, Bytes> check) throws InterruptedException {
        return checkScan(t, lower, upper, check, 0, null);
    }

    /**
     * Fails unless {@code entries} are strictly ascending; returns them.
     *
     * @param what what was scanned, for the message
     */
    static List<Map.Entry<Bytes, Bytes>> ascending(List<Map.Entry<Bytes, Bytes>> entries,
                                                   String what) {
        for (int i = 1; i < entries.size(); i++) {
            if (ReferenceModel.UNSIGNED.compare(entries.get(i - 1).getKey(),
                    entries.get(i).getKey()) >= 0) {
                throw new AssertionError(what + " yielded " + entries.get(i - 1).getKey()
                        + " then " + entries.get(i).getKey() + " at index " + i
                        + ": keys must be strictly ascending, never repeated");
            }
        }
        return entries;
    }

    /**
     * The value of version {@code v} of {@code k}: {@code "<key>=<v>;"} and a run of dots whose
     * length depends on {@code v}, so consecutive versions differ in length and a value torn
     * between two versions (one's length, the other's bytes) is recognised.
     */
    static Bytes versioned(Bytes k, int v) {
        return value(k.toUtf8String() + "=" + v + ";" + ".".repeat(v * 7 % 11));
    }

    /**
     * Returns the version encoded in {@code value}, checking that it is exactly a value
     * {@link #versioned} made for {@code k}.
     *
     * @throws AssertionError if it is not
     */
    static int version(Bytes k, Bytes value) {
        String s = value.toUtf8String();
        String prefix = k.toUtf8String() + "=";
        int semicolon = s.indexOf(';');
        int v = -1;
        if (s.startsWith(prefix) && semicolon > prefix.length()) {
            try {
                v = Integer.parseInt(s.substring(prefix.length(), semicolon));
            } catch (NumberFormatException e) {
                v = -1;
            }
        }
        if (v < 0 || !value.equals(versioned(k, v))) {
            throw new AssertionError(k + " has value " + value + ", which was never written for"
                    + " that key (a foreign, stale or torn value)");
        }
        return v;
    }

    /**
     * Waits until {@code done} opens or the thread in {@code writer} has been parked (waiting on a lock or
     * condition) for {@link #PARKED_MILLIS} without a break, or {@code maxSeconds} have passed.
     * Returns true if {@code done} opened.
     *
     * @throws InterruptedException if interrupted
     */
    static boolean awaitUnlessParked(CountDownLatch done, AtomicReference<Thread> writer,
                                     long maxSeconds) throws InterruptedException {
        return awaitUnlessParked(done, () -> writer.get() == null ? List.of()
                : List.of(writer.get()), maxSeconds, () -> false);
    }

    /**
     * Waits, on behalf of a thread that holds an iterator open, until {@code progress} opens:
     * the writers have written around the open iterator. Returns early if {@code run} failed
     * elsewhere. {@code writers} are the writer threads that are writing now (past their own
     * waits), so that a writer parked among them is parked in the backend.
     *
     * @throws AssertionError if every writer has been parked for {@link #PARKED_MILLIS}: the open
     *     iterator blocks them
     * @throws InterruptedException if interrupted
     */
    static void awaitWriters(Rounds run, CountDownLatch progress, List<Thread> writers)
            throws InterruptedException {
        if (!awaitUnlessParked(progress, () -> writers, 60, run::failed) && !run.failed()) {
            throw new AssertionError("the writers have waited on a lock for "
                    + PARKED_MILLIS + " ms while this thread holds an iterator open: an open"
                    + " iterator must not block writers");
        }
    }

    private static boolean awaitUnlessParked(CountDownLatch done,
                                             Supplier<List<Thread>> threads,
                                             long maxSeconds, BooleanSupplier stop)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        long parkedSince = -1;
        while (System.nanoTime() < deadline && !stop.getAsBoolean()) {
            if (done.await(20, TimeUnit.MILLISECONDS)) {
                return true;
            }
            List<Thread> writers = threads.get();
            boolean parked = !writers.isEmpty();
            for (Thread writer : writers) {
                Thread.State state = writer.getState();
                parked &= state == Thread.State.WAITING || state == Thread.State.BLOCKED
                        || state == Thread.State.TIMED_WAITING;
            }
            long now = System.nanoTime();
            if (!parked) {
                parkedSince = -1;
            } else if (parkedSince < 0) {
                parkedSince = now;
            } else if (now - parkedSince > TimeUnit.MILLISECONDS.toNanos(PARKED_MILLIS)) {
                return done.getCount() == 0;
            }
        }
        return done.getCount() == 0;
    }
}
