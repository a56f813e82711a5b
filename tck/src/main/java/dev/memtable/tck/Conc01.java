package dev.memtable.tck;

import static dev.memtable.tck.ConcurrencySupport.checkScan;
import static dev.memtable.tck.ConcurrencySupport.version;
import static dev.memtable.tck.ConcurrencySupport.versioned;
import static dev.memtable.tck.TckSupport.contents;
import static dev.memtable.tck.TckSupport.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The run of rule conc01 ({@link ConcurrencyRules#required_conc01_readersRunDuringOneWriter}):
 * one writer, two scanners and a reader, in rounds.
 *
 * <p>Keys are {@code c01-<index>}; index {@code j * slots + s} belongs to slot {@code s}. Slot 0
 * is written before the threads start; round {@code r} inserts keys of slot {@code r + 1}, which
 * lie between the keys already there, so every insert changes the structure where the scanners
 * are. The writer keeps writing (new keys while there are any, then overwrites) until each scanner
 * has completed {@link #SCANS_PER_ROUND} scans in the round, so scans and writes overlap however
 * the threads are scheduled.
 */
final class Conc01 {

    static final int SCANNERS = 2;
    static final int SCANS_PER_ROUND = 2;
    /** New keys a round may insert: more than it takes the scanners to finish their scans. */
    static final int POOL = 1000;
    /** New keys a round inserts at least. */
    static final int MIN_INSERTS = 100;
    /** Writes after which the writer gives up waiting for the scanners (they are stuck). */
    private static final int MAX_WRITES_PER_ROUND = 200_000;

    private final int rounds;
    /** Slots of keys: slot 0 written first, slot {@code r + 1} in round {@code r}. */
    private final int slots;
    private final int keys;
    private final MemTable t;
    private final Duration deadline;
    /** The last version of each key whose put has returned; -1 if none. */
    private final AtomicIntegerArray acked;
    /** The last version of each key whose put has begun; -1 if none. */
    private final AtomicIntegerArray started;
    /** The writer's own count of versions (read by the checks between rounds). */
    private final int[] version;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean writing = new AtomicBoolean();
    /** The writer thread once it is writing in the current round (past its own wait). */
    private final List<Thread> writer = new CopyOnWriteArrayList<>();
    private final AtomicReference<CountDownLatch> opened = new AtomicReference<>();
    private final AtomicReference<CountDownLatch> progressed = new AtomicReference<>();
    private final AtomicReference<CountDownLatch> scansDone = new AtomicReference<>();
    private final Rounds run = new Rounds(this::beforeRound, this::afterRound);

    /**
     * @param t the table under test
     * @param rounds the number of rounds
     * @param deadline how long to wait for the threads
     */
    Conc01(MemTable t, int rounds, Duration deadline) {
        this.t = t;
        this.rounds = rounds;
        this.slots = rounds + 1;
        this.keys = POOL * slots;
        this.deadline = deadline;
        this.acked = new AtomicIntegerArray(keys);
        this.started = new AtomicIntegerArray(keys);
        this.version = new int[keys];
        for (int i = 0; i < keys; i++) {
            acked.set(i, -1);
            started.set(i, -1);
            version[i] = -1;
        }
    }

    void run() throws InterruptedException {
        for (int j = 0; j < POOL; j++) {
            write(j * slots);
        }
        List<Rounds.Task> tasks = new ArrayList<>();
        tasks.add(this::writer);
        for (int s = 0; s < SCANNERS; s++) {
            int me = s;
            tasks.add(r -> scanner(me, r));
        }
        tasks.add(this::reader);
        run.run("conc01", deadline, rounds, tasks);
    }

    private void beforeRound(int round) {
        writer.clear();
        writing.set(true);
        opened.set(new CountDownLatch(SCANNERS));
        progressed.set(new CountDownLatch(1));
        scansDone.set(new CountDownLatch(SCANNERS * SCANS_PER_ROUND));
    }

    private void afterRound(int round) {
        List<Map.Entry<Bytes, Bytes>> want = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            if (version[i] >= 0) {
                want.add(entry(key(i), versioned(key(i), version[i])));
            }
        }
        assertEquals(want, contents(t), "contents after round " + round + " (the writer waits)");
        assertEquals(bytes.get(), t.approximateSize(), "size after round " + round);
    }

    private void write(int i) {
        Bytes k = key(i);
        int v = ++version[i];
        Bytes value = versioned(k, v);
        started.set(i, v);
        t.put(k, value);
        acked.set(i, v);
        bytes.addAndGet(k.length() + value.length() + MemTable.VERSION_BYTES);
    }

    /**
     * Inserts the round's new keys in random order, each followed by an overwrite of an older
     * key, until the scanners have done their scans (with overwrites only, should the new keys
     * run out first), so that the scanners always read while keys are being inserted.
     */
    private void writer(int round) throws InterruptedException {
        try {
            if (!run.await(opened.get())) {
                return;
            }
            writer.add(Thread.currentThread());
            int slot = round + 1;
            Random random = new Random(round);
            List<Integer> order = new ArrayList<>();
            for (int j = 0; j < POOL; j++) {
                order.add(j);
            }
            Collections.shuffle(order, random);
            for (int n = 0; n < MAX_WRITES_PER_ROUND && !run.failed(); n++) {
                if (n < POOL) {
                    write(order.get(n) * slots + slot);
                }
                write(random.nextInt(POOL) * slots + random.nextInt(slot));
                if (n == 10) {
                    progressed.get().countDown();
                }
                if (n >= MIN_INSERTS && scansDone.get().getCount() == 0) {
                    break;
                }
            }
        } finally {
            writing.set(false);
            progressed.get().countDown();
        }
    }

    /**
     * Holds a first iterator open, half read, until the writer has written around it, then scans
     * whole and bounded ranges until the writer stops.
     */
    private void scanner(int me, int round) throws InterruptedException {
        Random random = new Random(100L * round + me);
        boolean first = true;
        do {
            Bound lower = Bound.unbounded();
            Bound upper = Bound.unbounded();
            if (first && me > 0) {
                lower = Bound.included(key(random.nextInt(POOL / 2) * slots));
            } else if (!first && random.nextBoolean()) {
                int a = random.nextInt(keys);
                int b = Math.min(keys - 1, a + random.nextInt(keys / 2));
                lower = random.nextBoolean() ? Bound.included(key(a)) : Bound.excluded(key(a));
                upper = random.nextBoolean() ? Bound.included(key(b)) : Bound.excluded(key(b));
            }
            scan(lower, upper, first ? () -> {
                opened.get().countDown();
                ConcurrencySupport.awaitWriters(run, progressed.get(), writer);
            } : null);
            first = false;
            scansDone.get().countDown();
        } while (writing.get() && !run.failed());
    }

    private void scan(Bound lower, Bound upper, ConcurrencySupport.Pause pause)
            throws InterruptedException {
        int[] before = new int[keys];
        for (int i = 0; i < keys; i++) {
            before[i] = acked.get(i);
        }
        BitSet seen = checkScan(t, lower, upper, (k, v) -> {
            int i = index(k);
            int v2 = version(k, v);
            int now = started.get(i);
            if (v2 < before[i] || v2 > now) {
                throw new AssertionError("scan(" + lower + ", " + upper + ") yielded " + k
                        + " at version " + v2 + ", but before the scan the writer had finished"
                        + " version " + before[i] + " of that key and it has not yet started"
                        + " version " + (now + 1));
            }
            return i;
        }, 5, pause);
        for (int i = 0; i < keys; i++) {
            if (before[i] >= 0 && !seen.get(i) && ReferenceModel.inRange(key(i), lower, upper)) {
                throw new AssertionError("scan(" + lower + ", " + upper + ") missed " + key(i)
                        + ", whose first put returned before the scan started");
            }
        }
    }

    /** Reads single keys of this round and the one before, checking what the writer had done. */
    private void reader(int round) {
        Random random = new Random(7L * round);
        int n = 0;
        do {
            int i = random.nextInt(POOL) * slots + Math.max(0, round + 1 - random.nextInt(2));
            int before = acked.get(i);
            Bytes k = key(i);
            Optional<Bytes> got = t.get(k);
            int now = started.get(i);
            if (before >= 0 && got.isEmpty()) {
                throw new AssertionError("get(" + k + ") returned empty although a put of it"
                        + " returned before the get started");
            }
            if (got.isPresent()) {
                int v = version(k, got.get());
                if (v < before || v > now) {
                    throw new AssertionError("get(" + k + ") returned version " + v
                            + ", but before the get the writer had finished version " + before
                            + " and it has not yet started version " + (now + 1));
                }
            }
            if (++n % 32 == 0) {
                Thread.yield(); // leave the cores to the writer and the scanners
            }
        } while (writing.get() && !run.failed());
    }

    static Bytes key(int i) {
        return TckSupport.key(String.format("c01-%05d", i));
    }

    private int index(Bytes k) {
        String s = k.toUtf8String();
        int i = -1;
        if (s.length() == 9 && s.startsWith("c01-")) {
            try {
                i = Integer.parseInt(s.substring(4));
            } catch (NumberFormatException e) {
                i = -1;
            }
        }
        if (i < 0 || i >= keys) {
            throw new AssertionError("yielded key " + k + ", which no thread wrote");
        }
        return i;
    }
}
