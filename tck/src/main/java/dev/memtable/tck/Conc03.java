package dev.memtable.tck;

import static dev.memtable.tck.ConcurrencySupport.ascending;
import static dev.memtable.tck.ConcurrencySupport.checkScan;
import static dev.memtable.tck.TckSupport.contents;
import static dev.memtable.tck.TckSupport.value;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The run of rule conc03 ({@link ConcurrencyRules#optional_conc03_scansStayConsistentDuringConcurrentWrites}):
 * three writers and two scanners on shared keys, in rounds.
 *
 * <p>Keys are {@code c03-<index>}; index {@code j * slots + s} belongs to slot {@code s}. Slot 0
 * is written before the threads start; round {@code r} inserts keys of slot {@code r + 1}, which
 * lie between the keys of the earlier slots. Values are {@code <key>|<writer>|<seq>}, {@code seq}
 * counting each writer's writes; the keys written before the threads start carry writer
 * {@link #WRITERS}. The writers keep writing until each scanner has completed
 * {@link #SCANS_PER_ROUND} scans in the round, so scans and writes overlap however the threads
 * are scheduled.
 */
final class Conc03 {

    static final int WRITERS = 3;
    static final int SCANNERS = 2;
    static final int SCANS_PER_ROUND = 2;
    /** New keys a round may insert: more than it takes the scanners to finish their scans. */
    static final int PER_ROUND = 600;
    /** New keys a round inserts at least. */
    static final int MIN_INSERTS = 50;
    /** Writes after which a writer gives up waiting for the scanners (they are stuck). */
    private static final int MAX_WRITES_PER_ROUND = 100_000;

    private final int rounds;
    /** Slots of keys: slot 0 written first, slot {@code r + 1} in round {@code r}. */
    private final int slots;
    private final int keys;
    private final MemTable t;
    private final Duration deadline;
    /** The highest sequence number each writer has begun to write (the setup: 0). */
    private final AtomicLongArray started = new AtomicLongArray(WRITERS + 1);
    private final long[] seqs = new long[WRITERS];
    /** Each writer's last value per key in the current round; null if it did not write it. */
    private final Bytes[][] lastThisRound;
    /** Each key's value after the previous round; null if absent. */
    private final Bytes[] settled;
    private final AtomicInteger busyWriters = new AtomicInteger();
    /** The writer threads writing in the current round (past their own wait). */
    private final List<Thread> writerThreads = new CopyOnWriteArrayList<>();
    private final AtomicReference<CountDownLatch> opened = new AtomicReference<>();
    private final AtomicReference<CountDownLatch> progressed = new AtomicReference<>();
    private final AtomicReference<CountDownLatch> scansDone = new AtomicReference<>();
    private final Rounds run = new Rounds(this::beforeRound, this::afterRound);

    /**
     * @param t the table under test
     * @param rounds the number of rounds
     * @param deadline how long to wait for the threads
     */
    Conc03(MemTable t, int rounds, Duration deadline) {
        this.t = t;
        this.rounds = rounds;
        this.slots = rounds + 1;
        this.keys = PER_ROUND * slots;
        this.deadline = deadline;
        this.lastThisRound = new Bytes[WRITERS][keys];
        this.settled = new Bytes[keys];
    }

    void run() throws InterruptedException {
        for (int j = 0; j < PER_ROUND; j++) {
            Bytes k = key(j * slots);
            Bytes v = value(k.toUtf8String() + "|" + WRITERS + "|0");
            t.put(k, v);
            settled[j * slots] = v;
        }
        List<Rounds.Task> tasks = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int me = w;
            tasks.add(r -> write(me, r));
        }
        for (int s = 0; s < SCANNERS; s++) {
            int me = s;
            tasks.add(r -> scan(me, r));
        }
        run.run("conc03", deadline, rounds, tasks);
    }

    private void beforeRound(int round) {
        writerThreads.clear();
        busyWriters.set(WRITERS);
        opened.set(new CountDownLatch(SCANNERS));
        progressed.set(new CountDownLatch(20));
        scansDone.set(new CountDownLatch(SCANNERS * SCANS_PER_ROUND));
    }

    /**
     * The writers insert the round's new keys in the same order, so all three insert each one at
     * about the same moment, and put or delete a random older key after each; once the new keys
     * are used up they go on with older keys until the scanners have done their scans.
     */
    private void write(int me, int round) throws InterruptedException {
        try {
            if (!run.await(opened.get())) {
                return;
            }
            writerThreads.add(Thread.currentThread());
            Random random = new Random(31L * round + me);
            int slot = round + 1;
            for (int n = 0; n < MAX_WRITES_PER_ROUND && !run.failed(); n++) {
                if (n < PER_ROUND) {
                    put(me, n * slots + slot, false);
                }
                put(me, random.nextInt(PER_ROUND) * slots + random.nextInt(slot),
                        random.nextInt(5) == 0);
                progressed.get().countDown();
                if (n >= MIN_INSERTS && scansDone.get().getCount() == 0) {
                    break;
                }
            }
        } finally {
            busyWriters.decrementAndGet();
        }
    }

    private void put(int me, int index, boolean delete) {
        Bytes k = key(index);
        long seq = ++seqs[me];
        Bytes v = delete ? Bytes.EMPTY : value(k.toUtf8String() + "|" + me + "|" + seq);
        started.set(me, seq);
        t.put(k, v);
        lastThisRound[me][index] = v;
    }

    /**
     * Holds a first iterator open, half read, until the writers have written 20 keys, then scans
     * until they are done.
     */
    private void scan(int me, int round) throws InterruptedException {
        Random random = new Random(400L + 10L * round + me);
        boolean first = true;
        do {
            Bound lower = Bound.unbounded();
            Bound upper = Bound.unbounded();
            if (first && me > 0) {
                lower = Bound.included(key(random.nextInt(PER_ROUND / 2) * slots));
            } else if (!first && random.nextBoolean()) {
                int a = random.nextInt(keys);
                int b = random.nextInt(keys);
                lower = random.nextBoolean() ? Bound.included(key(a)) : Bound.excluded(key(a));
                upper = random.nextBoolean() ? Bound.included(key(b)) : Bound.excluded(key(b));
            }
            Bound lo = lower;
            Bound hi = upper;
            BitSet seen = checkScan(t, lo, hi, (k, v) -> check(lo, hi, k, v), 5, first ? () -> {
                opened.get().countDown();
                ConcurrencySupport.awaitWriters(run, progressed.get(), writerThreads);
            } : null);
            for (int i = 0; i < keys; i++) {
                if (settled[i] != null && !seen.get(i) && ReferenceModel.inRange(key(i), lo, hi)) {
                    throw new AssertionError("scan(" + lo + ", " + hi + ") missed " + key(i)
                            + ", which was in the table before the round began");
                }
            }
            first = false;
            scansDone.get().countDown();
        } while (busyWriters.get() > 0 && !run.failed());
    }

    /** Checks one scanned entry; returns the key's index. */
    private int check(Bound lo, Bound hi, Bytes k, Bytes v) {
        int i = index(k);
        if (v.isEmpty()) {
            return i;
        }
        String[] parts = v.toUtf8String().split("\\|");
        int w = -1;
        long seq = -1;
        if (parts.length == 3 && parts[0].equals(k.toUtf8String())) {
            try {
                w = Integer.parseInt(parts[1]);
                seq = Long.parseLong(parts[2]);
            } catch (NumberFormatException e) {
                w = -1;
            }
        }
        if (w < 0 || w > WRITERS || seq < 0 || seq > started.get(w)) {
            throw new AssertionError("scan(" + lo + ", " + hi + ") yielded " + k + " = " + v
                    + ", a value not (yet) written for that key");
        }
        return i;
    }

    /**
     * Every key holds, once, the last write of one of the writers that wrote it in this round,
     * or the value it had before.
     */
    private void afterRound(int round) {
        List<Map.Entry<Bytes, Bytes>> all = ascending(contents(t), "a full scan after round "
                + round);
        List<Bytes> wantKeys = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            boolean written = settled[i] != null;
            for (int w = 0; w < WRITERS; w++) {
                written |= lastThisRound[w][i] != null;
            }
            if (written) {
                wantKeys.add(key(i));
            }
        }
        List<Bytes> gotKeys = TckSupport.keys(all);
        if (!wantKeys.equals(gotKeys)) {
            Set<Bytes> missing = new HashSet<>(wantKeys);
            missing.removeAll(gotKeys);
            throw new AssertionError("after round " + round + " a full scan yielded "
                    + gotKeys.size() + " keys, expected " + wantKeys.size() + "; missing: "
                    + missing);
        }
        for (Map.Entry<Bytes, Bytes> e : all) {
            int i = index(e.getKey());
            Set<Bytes> candidates = new HashSet<>();
            for (int w = 0; w < WRITERS; w++) {
                if (lastThisRound[w][i] != null) {
                    candidates.add(lastThisRound[w][i]);
                }
            }
            if (candidates.isEmpty()) {
                candidates.add(settled[i]);
            }
            if (!candidates.contains(e.getValue())) {
                throw new AssertionError("after round " + round + " " + e.getKey() + " holds "
                        + e.getValue() + ", but the last writes of the writers were "
                        + candidates);
            }
            settled[i] = e.getValue();
        }
        for (Bytes[] last : lastThisRound) {
            Arrays.fill(last, null);
        }
    }

    private static Bytes key(int index) {
        return TckSupport.key(String.format("c03-%05d", index));
    }

    private int index(Bytes k) {
        String s = k.toUtf8String();
        int i = -1;
        if (s.length() == 9 && s.startsWith("c03-")) {
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
