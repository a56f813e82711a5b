package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.contents;
import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.runConcurrently;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Capability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.ToIntBiFunction;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code conc01}–{@code conc05}: thread safety. Readers run alongside writers and see
 * weakly consistent scans (keys strictly ascending and in range, no key twice, every value one
 * that was written for its key, never an exception); a write is visible to every read that starts
 * after it returns; with {@link Capability#CONCURRENT_WRITES}, concurrent writers and batches lose
 * nothing and end in the state of some serial order.
 *
 * <p>The rules count operations, not time: each finishes in about a second on a small machine and
 * waits at most {@link #DEADLINE} for its threads, reporting a deadlock as a failure with the
 * stuck threads' stacks. Values encode their key and version, so a reader can tell a value that
 * was really written for a key from a stale, torn or foreign one.
 */
public interface ConcurrencyRules extends ContractSupport {

    /** The longest a concurrency rule waits for its threads before it reports them stuck. */
    Duration DEADLINE = Duration.ofSeconds(60);

    /**
     * <b>conc01</b>: while one thread overwrites 1,000 keys 20 times, two threads scan (whole and
     * bounded ranges) and one thread reads single keys. Every scan yields strictly ascending keys
     * within its bounds, each value one written for its key no later than the writer has got to;
     * a key whose write returned before a read started is seen by that read at that version or
     * later. Afterwards every key holds its last value. Needs no capability: one writer with
     * concurrent readers is always allowed.
     * <p>If it fails: the message names the thread and the broken property; look at how the
     * iterator moves through a map that changes under it (a snapshot-free iterator must not
     * revisit or skip keys it has passed, and must not return a value of another key).
     */
    @Test
    default void required_conc01_readersRunDuringOneWriter() throws InterruptedException {
        MemTable t = newTable();
        int keys = 1000;
        int rounds = 20;
        AtomicIntegerArray acked = new AtomicIntegerArray(keys);
        for (int i = 0; i < keys; i++) {
            acked.set(i, -1);
        }
        AtomicInteger round = new AtomicInteger(-1);
        CountDownLatch writing = new CountDownLatch(1);
        List<Callable<?>> tasks = new ArrayList<>();
        tasks.add(() -> {
            try {
                Random random = new Random(1);
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < keys; i++) {
                    order.add(i);
                }
                for (int v = 0; v < rounds; v++) {
                    round.set(v);
                    Collections.shuffle(order, random);
                    for (int i : order) {
                        Bytes k = conc01Key(i);
                        t.put(k, versioned(k, v));
                        acked.set(i, v);
                    }
                }
            } finally {
                writing.countDown();
            }
            return null;
        });
        for (int s = 0; s < 2; s++) {
            Random random = new Random(100 + s);
            tasks.add(() -> {
                do {
                    int[] before = new int[keys];
                    for (int i = 0; i < keys; i++) {
                        before[i] = acked.get(i);
                    }
                    Bound lower = Bound.unbounded();
                    Bound upper = Bound.unbounded();
                    if (random.nextBoolean()) {
                        int a = random.nextInt(keys);
                        lower = random.nextBoolean() ? Bound.included(conc01Key(a))
                                : Bound.excluded(conc01Key(a));
                        int b = Math.min(keys - 1, a + random.nextInt(300));
                        upper = random.nextBoolean() ? Bound.included(conc01Key(b))
                                : Bound.excluded(conc01Key(b));
                    }
                    Bound lo = lower;
                    Bound hi = upper;
                    BitSet seen = checkScan(t, lo, hi, (k, v) -> {
                        int i = conc01Index(k);
                        int version = version(k, v);
                        int now = round.get();
                        if (version < before[i] || version > now) {
                            throw new AssertionError("scan(" + lo + ", " + hi + ") yielded "
                                    + k + " = " + v + ", but before the scan the writer had"
                                    + " finished version " + before[i] + " of that key and it has"
                                    + " not yet started version " + (now + 1));
                        }
                        return i;
                    });
                    for (int i = 0; i < keys; i++) {
                        if (before[i] >= 0 && !seen.get(i)
                                && ReferenceModel.inRange(conc01Key(i), lo, hi)) {
                            throw new AssertionError("scan(" + lo + ", " + hi + ") missed "
                                    + conc01Key(i) + ", whose first put returned before the scan"
                                    + " started");
                        }
                    }
                } while (writing.getCount() > 0);
                return null;
            });
        }
        tasks.add(() -> {
            Random random = new Random(7);
            do {
                int i = random.nextInt(keys);
                int before = acked.get(i);
                Bytes k = conc01Key(i);
                Optional<Bytes> got = t.get(k);
                int now = round.get();
                if (before >= 0 && got.isEmpty()) {
                    throw new AssertionError("get(" + k + ") returned empty although a put of it"
                            + " returned before the get started");
                }
                if (got.isPresent()) {
                    int version = version(k, got.get());
                    if (version < before || version > now) {
                        throw new AssertionError("get(" + k + ") returned version " + version
                                + ", but before the get the writer had finished version " + before
                                + " and it has not yet started version " + (now + 1));
                    }
                }
            } while (writing.getCount() > 0);
            return null;
        });
        runConcurrently("conc01", DEADLINE, tasks);
        long size = 0;
        for (int i = 0; i < keys; i++) {
            Bytes k = conc01Key(i);
            assertEquals(Optional.of(versioned(k, rounds - 1)), t.get(k), "last value of " + k);
            for (int v = 0; v < rounds; v++) {
                size += k.length() + versioned(k, v).length();
            }
        }
        assertEquals(size, t.approximateSize(), "size after the writer finished");
    }

    /**
     * <b>conc02</b>: four threads write at once, each 3,000 puts and deletes to its own 1,000
     * keys and 300 puts to 64 keys they share. Each thread reads every own write back right after
     * it returns and must see it; afterwards every own key holds its owner's last value, every
     * shared key the last value of one of the threads, the size counts every write, and a scan
     * yields each key once. Needs {@link Capability#CONCURRENT_WRITES}.
     * <p>If it fails: writes are lost or torn under contention; look for check-then-act
     * sequences or unsynchronised structures in the put path.
     */
    @Test
    default void optional_conc02_concurrentWritersLoseNoWrite() throws InterruptedException {
        assumeCapability(Capability.CONCURRENT_WRITES);
        MemTable t = newTable();
        int writers = 4;
        int ownKeys = 1000;
        int rounds = 3;
        int shared = 64;
        Bytes[][] lastShared = new Bytes[writers][shared];
        long[] written = new long[writers];
        List<Callable<?>> tasks = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int me = w;
            tasks.add(() -> {
                long bytes = 0;
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < ownKeys; i++) {
                        Bytes k = key("w" + me + "-" + i);
                        Bytes v = r == 1 && i % 5 == 0 ? Bytes.EMPTY
                                : value("w" + me + "-" + i + "#" + r);
                        if (v.isEmpty()) {
                            t.delete(k);
                        } else {
                            t.put(k, v);
                        }
                        bytes += k.length() + v.length();
                        Optional<Bytes> back = t.get(k);
                        if (!back.equals(Optional.of(v))) {
                            throw new AssertionError("get(" + k + ") right after writing " + v
                                    + " returned " + back + ": the write was lost (only this"
                                    + " thread writes that key)");
                        }
                        if (i % 10 == me) {
                            int j = (i * 7 + me) % shared;
                            Bytes sk = key("shared-" + j);
                            Bytes sv = value("s" + me + "#" + r + "#" + i);
                            t.put(sk, sv);
                            lastShared[me][j] = sv;
                            bytes += sk.length() + sv.length();
                        }
                    }
                }
                written[me] = bytes;
                return null;
            });
        }
        runConcurrently("conc02-writer", DEADLINE, tasks);
        long size = 0;
        for (int w = 0; w < writers; w++) {
            size += written[w];
            for (int i = 0; i < ownKeys; i++) {
                Bytes k = key("w" + w + "-" + i);
                assertEquals(Optional.of(value("w" + w + "-" + i + "#" + (rounds - 1))), t.get(k),
                        "last value of " + k + " after all writers finished");
            }
        }
        int sharedWritten = 0;
        for (int j = 0; j < shared; j++) {
            Set<Bytes> candidates = new HashSet<>();
            for (int w = 0; w < writers; w++) {
                if (lastShared[w][j] != null) {
                    candidates.add(lastShared[w][j]);
                }
            }
            Optional<Bytes> got = t.get(key("shared-" + j));
            if (!candidates.isEmpty()) {
                sharedWritten++;
                assertTrue(got.isPresent() && candidates.contains(got.get()),
                        "shared-" + j + " must hold the last value of one of the writers "
                                + candidates + ", but holds " + got);
            }
        }
        assertEquals(size, t.approximateSize(), "size after all writers finished");
        List<Map.Entry<Bytes, Bytes>> all = contents(t);
        assertEquals(writers * ownKeys + sharedWritten, all.size(),
                "number of entries a full scan yields");
        for (int i = 1; i < all.size(); i++) {
            assertTrue(ReferenceModel.UNSIGNED.compare(all.get(i - 1).getKey(),
                    all.get(i).getKey()) < 0, "full scan not strictly ascending at index " + i);
        }
    }

    /**
     * <b>conc03</b>: three threads put and delete over 500 shared keys while two threads scan
     * whole and bounded ranges. Every scan yields strictly ascending keys within its bounds, and
     * every value is a tombstone or a value some writer had already begun to write for that key.
     * Afterwards each key holds the last write of one of the writers. Needs
     * {@link Capability#CONCURRENT_WRITES}.
     * <p>If it fails: the iterator is not safe against concurrent writers (e.g. it walks a
     * structure that writers rebalance without a lock).
     */
    @Test
    default void optional_conc03_scansStayConsistentDuringConcurrentWrites()
            throws InterruptedException {
        assumeCapability(Capability.CONCURRENT_WRITES);
        MemTable t = newTable();
        int writers = 3;
        int keys = 500;
        int ops = 6000;
        AtomicLongArray started = new AtomicLongArray(writers);
        Bytes[][] last = new Bytes[writers][keys];
        CountDownLatch writing = new CountDownLatch(writers);
        List<Callable<?>> tasks = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int me = w;
            Random random = new Random(300 + w);
            tasks.add(() -> {
                try {
                    for (int seq = 1; seq <= ops; seq++) {
                        int i = random.nextInt(keys);
                        Bytes k = conc03Key(i);
                        Bytes v = random.nextInt(5) == 0 ? Bytes.EMPTY
                                : value(k.toUtf8String() + "|" + me + "|" + seq);
                        started.set(me, seq);
                        t.put(k, v);
                        last[me][i] = v;
                    }
                } finally {
                    writing.countDown();
                }
                return null;
            });
        }
        for (int s = 0; s < 2; s++) {
            Random random = new Random(400 + s);
            tasks.add(() -> {
                do {
                    Bound lower = Bound.unbounded();
                    Bound upper = Bound.unbounded();
                    if (random.nextBoolean()) {
                        int a = random.nextInt(keys);
                        int b = random.nextInt(keys);
                        lower = random.nextBoolean() ? Bound.included(conc03Key(a))
                                : Bound.excluded(conc03Key(a));
                        upper = random.nextBoolean() ? Bound.included(conc03Key(b))
                                : Bound.excluded(conc03Key(b));
                    }
                    Bound lo = lower;
                    Bound hi = upper;
                    checkScan(t, lower, upper, (k, v) -> {
                        int i = conc03Index(k);
                        if (v.isEmpty()) {
                            return i;
                        }
                        String[] parts = v.toUtf8String().split("\\|");
                        int w;
                        long seq;
                        try {
                            w = Integer.parseInt(parts[1]);
                            seq = Long.parseLong(parts[2]);
                        } catch (RuntimeException e) {
                            throw new AssertionError("scan(" + lo + ", " + hi + ") yielded " + k
                                    + " = " + v + ", a value no writer wrote", e);
                        }
                        if (parts.length != 3 || !parts[0].equals(k.toUtf8String()) || w < 0
                                || w >= writers || seq < 1 || seq > started.get(w)) {
                            throw new AssertionError("scan(" + lo + ", " + hi + ") yielded " + k
                                    + " = " + v + ", a value not (yet) written for that key");
                        }
                        return i;
                    });
                } while (writing.getCount() > 0);
                return null;
            });
        }
        runConcurrently("conc03", DEADLINE, tasks);
        for (int i = 0; i < keys; i++) {
            Set<Bytes> candidates = new HashSet<>();
            for (int w = 0; w < writers; w++) {
                if (last[w][i] != null) {
                    candidates.add(last[w][i]);
                }
            }
            Optional<Bytes> got = t.get(conc03Key(i));
            if (candidates.isEmpty()) {
                assertEquals(Optional.empty(), got, conc03Key(i) + " was never written");
            } else {
                assertTrue(got.isPresent() && candidates.contains(got.get()), conc03Key(i)
                        + " must hold the last write of one of the writers " + candidates
                        + ", but holds " + got);
            }
        }
    }

    /**
     * <b>conc04</b>: four threads each write 300 batches that set the same eight keys to one
     * value (each thread listing the keys in a different order) and add a key of their own.
     * Afterwards the eight keys hold one and the same value, the last batch value of one of the
     * threads, as in some serial order; every own key is present and the size counts every
     * entry. Needs {@link Capability#CONCURRENT_WRITES}.
     * <p>If it fails with mixed values: batches are applied entry by entry without mutual
     * exclusion; if it times out: batches lock keys in batch order and deadlock (lock in one
     * global order instead).
     */
    @Test
    default void optional_conc04_concurrentBatchesAreSerialised() throws InterruptedException {
        assumeCapability(Capability.CONCURRENT_WRITES);
        MemTable t = newTable();
        int threads = 4;
        int batches = 300;
        int group = 8;
        Bytes[] lastValue = new Bytes[threads];
        long[] payload = new long[threads];
        List<Callable<?>> tasks = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int me = w;
            tasks.add(() -> {
                long bytes = 0;
                for (int n = 0; n < batches; n++) {
                    Bytes v = value("t" + me + "-b" + n);
                    WriteBatch batch = new WriteBatch();
                    for (int g = 0; g < group; g++) {
                        int index = me % 2 == 0 ? (g + me) % group : (group - 1 - g + me) % group;
                        batch.put(key("group-" + index), v);
                    }
                    batch.put(key("own-" + me + "-" + n), value("x"));
                    t.write(batch);
                    bytes += batch.payloadBytes();
                    lastValue[me] = v;
                }
                payload[me] = bytes;
                return null;
            });
        }
        runConcurrently("conc04-writer", DEADLINE, tasks);
        Optional<Bytes> first = t.get(key("group-0"));
        Set<Bytes> candidates = Set.of(lastValue);
        assertTrue(first.isPresent() && candidates.contains(first.get()), "group-0 must hold the"
                + " last batch value of one of the threads " + candidates + ", but holds " + first);
        for (int g = 1; g < group; g++) {
            assertEquals(first, t.get(key("group-" + g)), "group-" + g + " must hold the value of"
                    + " group-0: all eight were written by the same batches");
        }
        long size = 0;
        for (int w = 0; w < threads; w++) {
            size += payload[w];
            for (int n = 0; n < batches; n++) {
                assertEquals(Optional.of(value("x")), t.get(key("own-" + w + "-" + n)),
                        "own key own-" + w + "-" + n);
            }
        }
        assertEquals(size, t.approximateSize(), "size after all batches");
    }

    /**
     * <b>conc05</b>: an open iterator does not block writers: while a thread holds an iterator
     * positioned in the middle of 1,000 entries, another thread puts, deletes and writes a batch,
     * then the iterator's own thread writes too, and the iterator then runs to its end with keys
     * strictly ascending. Needs no capability (the writes do not overlap).
     * <p>If it times out: the iterator holds a lock (e.g. a read lock of a read-write lock)
     * between calls; read a bounded chunk under the lock and release it.
     */
    @Test
    default void required_conc05_openIteratorDoesNotBlockWriters() throws InterruptedException {
        MemTable t = newTable();
        for (int i = 0; i < 1000; i += 2) {
            t.put(conc01Key(i), value("v"));
        }
        CountDownLatch opened = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        long wait = DEADLINE.toSeconds() / 2;
        List<Callable<?>> tasks = List.of(() -> {
            try (MemTableIterator it = t.scan(Bound.unbounded(), Bound.unbounded())) {
                for (int i = 0; i < 300; i++) {
                    it.next();
                }
                Bytes previous = it.key();
                opened.countDown();
                if (!written.await(wait, TimeUnit.SECONDS)) {
                    throw new AssertionError("another thread could not write within " + wait
                            + " s while this thread held an open iterator");
                }
                t.put(conc01Key(999), value("by the iterating thread"));
                t.delete(conc01Key(2));
                for (it.next(); it.isValid(); it.next()) {
                    if (ReferenceModel.UNSIGNED.compare(previous, it.key()) >= 0) {
                        throw new AssertionError("keys not strictly ascending: " + previous
                                + " then " + it.key());
                    }
                    previous = it.key();
                }
            }
            return null;
        }, () -> {
            if (!opened.await(wait, TimeUnit.SECONDS)) {
                throw new AssertionError("the iterating thread did not open its iterator");
            }
            t.put(conc01Key(1), value("behind the iterator"));
            t.put(conc01Key(901), value("ahead of the iterator"));
            t.delete(conc01Key(900));
            t.write(new WriteBatch().put(conc01Key(3), value("b")).put(conc01Key(903), value("b")));
            written.countDown();
            return null;
        });
        runConcurrently("conc05", DEADLINE, tasks);
        assertEquals(Optional.of(value("ahead of the iterator")), t.get(conc01Key(901)),
                "a write made while an iterator was open");
        assertEquals(Optional.of(value("by the iterating thread")), t.get(conc01Key(999)),
                "a write made by the thread holding the iterator");
    }

    /**
     * Drains {@code t.scan(lower, upper)}, checking that keys are strictly ascending and within
     * the bounds and each entry passes {@code check} (which throws an {@link AssertionError} for
     * a wrong value and returns the key's index); returns the indexes of the keys seen.
     */
    private static BitSet checkScan(MemTable t, Bound lower, Bound upper,
                                    ToIntBiFunction<Bytes, Bytes> check) {
        BitSet seen = new BitSet();
        try (MemTableIterator it = t.scan(lower, upper)) {
            Bytes previous = null;
            for (; it.isValid(); it.next()) {
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
            }
        }
        return seen;
    }

    private static Bytes conc01Key(int i) {
        return key(String.format("c01-%04d", i));
    }

    private static int conc01Index(Bytes k) {
        String s = k.toUtf8String();
        if (s.length() != 8 || !s.startsWith("c01-")) {
            throw new AssertionError("yielded key " + k + ", which no thread wrote");
        }
        return Integer.parseInt(s.substring(4));
    }

    private static Bytes conc03Key(int i) {
        return key(String.format("c03-%03d", i));
    }

    private static int conc03Index(Bytes k) {
        String s = k.toUtf8String();
        if (s.length() != 7 || !s.startsWith("c03-")) {
            throw new AssertionError("yielded key " + k + ", which no thread wrote");
        }
        return Integer.parseInt(s.substring(4));
    }

    /** The value of version {@code v} of {@code k}: {@code "<key>=<v>"}. */
    private static Bytes versioned(Bytes k, int v) {
        return value(k.toUtf8String() + "=" + v);
    }

    /** The version encoded in {@code value}, checking that it was written for {@code k}. */
    private static int version(Bytes k, Bytes value) {
        String s = value.toUtf8String();
        String prefix = k.toUtf8String() + "=";
        if (!s.startsWith(prefix)) {
            throw new AssertionError(k + " has value " + value + ", which was never written for"
                    + " that key");
        }
        return Integer.parseInt(s.substring(prefix.length()));
    }
}
