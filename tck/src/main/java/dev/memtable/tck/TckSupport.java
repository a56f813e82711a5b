package dev.memtable.tck;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Static helpers for writing rules: building keys and values, reading scans into lists, and
 * running worker threads with a bounded wait. Use them with {@code import static}.
 */
public final class TckSupport {

    /**
     * How many entries {@link #drain} reads before it decides an iterator never ends. Far above
     * what any rule writes into one table.
     */
    public static final int DRAIN_LIMIT = 10_000_000;

    private TckSupport() {
    }

    /** Returns the UTF-8 bytes of {@code text}, as a key. */
    public static Bytes key(String text) {
        return Bytes.ofUtf8(text);
    }

    /** Returns the UTF-8 bytes of {@code text}, as a value. */
    public static Bytes value(String text) {
        return Bytes.ofUtf8(text);
    }

    /**
     * Returns the bytes given as unsigned numbers, e.g. {@code bytes(0x00, 0x7f, 0x80, 0xff)}.
     *
     * @throws IllegalArgumentException if a number is outside {@code 0..255}
     */
    public static Bytes bytes(int... unsigned) {
        byte[] out = new byte[unsigned.length];
        for (int i = 0; i < unsigned.length; i++) {
            if (unsigned[i] < 0 || unsigned[i] > 0xff) {
                throw new IllegalArgumentException("byte " + i + " is " + unsigned[i]
                        + "; give bytes as 0..255");
            }
            out[i] = (byte) unsigned[i];
        }
        return Bytes.wrap(out);
    }

    /**
     * Returns {@code length} bytes of a fixed pattern that depends on {@code seed} and on the
     * position (so a truncated or shifted copy differs from the original), covering all 256 byte
     * values.
     *
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static Bytes patterned(int length, int seed) {
        if (length < 0) {
            throw new IllegalArgumentException("length is " + length);
        }
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (i * 31 + (i >>> 8) + seed);
        }
        return Bytes.wrap(out);
    }

    /** Returns {@code base} followed by {@code suffix}. */
    public static Bytes concat(Bytes base, Bytes suffix) {
        byte[] out = Arrays.copyOf(base.toByteArray(), base.length() + suffix.length());
        suffix.copyTo(out, base.length());
        return Bytes.wrap(out);
    }

    /** Returns the entry {@code key -> value}, for comparing with scan results. */
    public static Map.Entry<Bytes, Bytes> entry(Bytes key, Bytes value) {
        return Map.entry(key, value);
    }

    /**
     * Reads {@code it} from its current position to its end, without closing it.
     *
     * @throws AssertionError if it yields more than {@link #DRAIN_LIMIT} entries (it never ends)
     */
    public static List<Map.Entry<Bytes, Bytes>> drain(MemTableIterator it) {
        List<Map.Entry<Bytes, Bytes>> out = new ArrayList<>();
        for (; it.isValid(); it.next()) {
            if (out.size() == DRAIN_LIMIT) {
                throw new AssertionError("iterator still valid after " + DRAIN_LIMIT
                        + " entries; does next() advance and does it ever become invalid?");
            }
            out.add(Map.entry(it.key(), it.value()));
        }
        return out;
    }

    /** Returns every entry of {@code table.scan(lower, upper)}, closing the iterator. */
    public static List<Map.Entry<Bytes, Bytes>> scanAll(MemTable table, Bound lower, Bound upper) {
        try (MemTableIterator it = table.scan(lower, upper)) {
            return drain(it);
        }
    }

    /** Returns every entry of {@code table}, tombstones included, in scan order. */
    public static List<Map.Entry<Bytes, Bytes>> contents(MemTable table) {
        return scanAll(table, Bound.unbounded(), Bound.unbounded());
    }

    /**
     * Reads {@code it} from its current position to its end, with each entry's
     * {@link MemTableIterator#sequence()}, without closing it.
     *
     * @throws AssertionError if it yields more than {@link #DRAIN_LIMIT} entries (it never ends)
     */
    public static List<VersionModel.Version> drainVersions(MemTableIterator it) {
        List<VersionModel.Version> out = new ArrayList<>();
        for (; it.isValid(); it.next()) {
            if (out.size() == DRAIN_LIMIT) {
                throw new AssertionError("iterator still valid after " + DRAIN_LIMIT
                        + " entries; does next() advance and does it ever become invalid?");
            }
            out.add(new VersionModel.Version(it.key(), it.sequence(), it.value()));
        }
        return out;
    }

    /**
     * Returns every entry of {@code table.scan(lower, upper, sequence)} with its sequence,
     * closing the iterator.
     */
    public static List<VersionModel.Version> scanAt(MemTable table, Bound lower, Bound upper,
                                                    long sequence) {
        try (MemTableIterator it = table.scan(lower, upper, sequence)) {
            return drainVersions(it);
        }
    }

    /** Returns every entry of the whole {@code table} visible at {@code sequence}. */
    public static List<VersionModel.Version> scanAt(MemTable table, long sequence) {
        return scanAt(table, Bound.unbounded(), Bound.unbounded(), sequence);
    }

    /** Returns every version of {@code table.versions(lower, upper)}, closing the iterator. */
    public static List<VersionModel.Version> versionsOf(MemTable table, Bound lower,
                                                        Bound upper) {
        try (MemTableIterator it = table.versions(lower, upper)) {
            return drainVersions(it);
        }
    }

    /** Returns every version of {@code table}, in the order of {@code versions()}. */
    public static List<VersionModel.Version> versionsOf(MemTable table) {
        return versionsOf(table, Bound.unbounded(), Bound.unbounded());
    }

    /** Returns the keys of {@code entries}, in order. */
    public static List<Bytes> keys(List<Map.Entry<Bytes, Bytes>> entries) {
        List<Bytes> out = new ArrayList<>(entries.size());
        for (Map.Entry<Bytes, Bytes> e : entries) {
            out.add(e.getKey());
        }
        return out;
    }

    /**
     * Runs every task in its own daemon thread, all released at once, and waits for all of them
     * for at most {@code timeout}.
     *
     * @param what names the threads and the failure messages, e.g. {@code "writer"}
     * @throws AssertionError if a task threw (the first failure, with the others suppressed, each
     *     message naming its thread) or if a task was still running at the deadline (deadlock or
     *     livelock; the stuck threads' stacks are attached)
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public static void runConcurrently(String what, Duration timeout,
                                       List<? extends Callable<?>> tasks)
            throws InterruptedException {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(timeout, "timeout");
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<AssertionError> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            Callable<?> task = tasks.get(i);
            String name = "tck-" + what + "-" + i;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    task.call();
                } catch (Throwable e) {
                    String problem = e instanceof AssertionError ? e.getMessage() : "threw " + e;
                    failures.add(new AssertionError(name + ": " + problem, e));
                }
            }, name);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        start.countDown();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Thread> stuck = new ArrayList<>();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
            if (t.isAlive()) {
                stuck.add(t);
            }
        }
        if (!stuck.isEmpty()) {
            AssertionError e = new AssertionError(stuck.size() + " " + what
                    + " thread(s) still running after " + timeout.toSeconds()
                    + " s: a deadlock, a livelock or a lock held by an open iterator?");
            for (Thread t : stuck) {
                AssertionError trace = new AssertionError("stack of " + t.getName());
                trace.setStackTrace(t.getStackTrace());
                e.addSuppressed(trace);
                t.interrupt();
            }
            failures.forEach(e::addSuppressed);
            throw e;
        }
        AssertionError first = failures.poll();
        if (first != null) {
            failures.forEach(first::addSuppressed);
            throw first;
        }
    }
}
