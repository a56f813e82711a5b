package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.versionsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.WriteBatch;
import dev.memtable.tck.VersionModel.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine of rule vconc02 ({@link VersionConcurrencyRules}): writers write versions of a few
 * keys at sequences from an {@link OrderedPublication}; readers at rising published sequences
 * must never see a key's visible version go back or go away.
 */
final class Vconc02 {
    private static final int KEYS = 4;
    private static final int WRITERS = 4;
    private static final int READERS = 2;
    private static final int WRITES_PER_WRITER = 400;

    private final MemTable t;
    private final int rounds;
    private final Duration deadline;
    private final OrderedPublication sequences;
    /** Every (key, sequence) written, for the checks between rounds. */
    private final List<TreeSet<Long>> written = new ArrayList<>();
    private final AtomicInteger writing = new AtomicInteger();
    private final AtomicBoolean writersDone = new AtomicBoolean();

    Vconc02(MemTable t, int rounds, Duration deadline) {
        this.t = t;
        this.rounds = rounds;
        this.deadline = deadline;
        for (int k = 0; k < KEYS; k++) {
            t.put(key(k), stamp(k + 1), k + 1);
            TreeSet<Long> set = new TreeSet<>();
            set.add((long) k + 1);
            written.add(set);
        }
        this.sequences = new OrderedPublication(KEYS);
    }

    void run() throws InterruptedException {
        Rounds run = new Rounds(r -> {
            writing.set(WRITERS);
            writersDone.set(false);
        }, this::afterRound);
        List<Rounds.Task> tasks = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int me = w;
            tasks.add(r -> write(me, r));
        }
        for (int i = 0; i < READERS; i++) {
            tasks.add(r -> read());
        }
        run.run("vconc02", deadline, rounds, tasks);
    }

    private void write(int me, int round) {
        SplittableRandom random = new SplittableRandom(me * 7_919L + round);
        try {
            for (int i = 0; i < WRITES_PER_WRITER / 2; i++) {
                // Two versions of one key at consecutive sequences, the newer written first, so
                // that the older lands below it while the sequence below both is published.
                int k = random.nextInt(KEYS);
                long first;
                long second;
                synchronized (written) {
                    first = sequences.take();
                    second = sequences.take();
                    written.get(k).add(first);
                    written.get(k).add(second);
                }
                t.put(key(k), stamp(second), second);
                t.put(key(k), stamp(first), first);
                sequences.done(second);
                sequences.done(first);
            }
        } finally {
            if (writing.decrementAndGet() == 0) {
                writersDone.set(true);
            }
        }
    }

    /** Reads every key at rising published sequences until the writers are done. */
    private void read() {
        long[] last = new long[KEYS];
        do {
            long at = sequences.published();
            for (int k = 0; k < KEYS; k++) {
                Optional<Bytes> got = t.get(key(k), at);
                long seen = got.isEmpty() ? 0 : Long.parseLong(got.get().toUtf8String());
                check(k, at, seen, last, "get");
            }
            try (MemTableIterator it = t.scan(Bound.unbounded(), Bound.unbounded(), at)) {
                int k = 0;
                for (; it.isValid(); it.next(), k++) {
                    if (!it.key().equals(key(k))) {
                        throw new AssertionError("a scan at the published sequence " + at
                                + " yielded " + it.key() + " where " + key(k) + " was due:"
                                + " a key disappeared");
                    }
                    check(k, at, it.sequence(), last, "scan");
                }
                if (k != KEYS) {
                    throw new AssertionError("a scan at the published sequence " + at
                            + " yielded " + k + " of the " + KEYS + " keys");
                }
            }
        } while (!writersDone.get());
    }

    private static void check(int k, long at, long seen, long[] last, String how) {
        if (seen < last[k] || seen > at) {
            throw new AssertionError(how + "(" + key(k) + ", " + at + ") saw the version at "
                    + (seen == 0 ? "none (the key absent)" : Long.toString(seen))
                    + " after a read at a lower published sequence saw the version at "
                    + last[k] + ": a visible version disappeared"
                    + (seen > at ? " (or one above the read sequence was seen)" : ""));
        }
        last[k] = seen;
    }

    private void afterRound(int round) {
        List<Version> all = versionsOf(t);
        for (int k = 0; k < KEYS; k++) {
            int key = k;
            List<Long> got = all.stream().filter(v -> v.key().equals(key(key)))
                    .map(Version::sequence).toList();
            List<Long> want = new ArrayList<>(written.get(k).descendingSet());
            assertEquals(want, got, "the versions of " + key(k) + " after round " + round
                    + " (every version written, newest first)");
            assertEquals(Optional.of(stamp(want.get(0))), t.get(key(k)),
                    "get(" + key(k) + ") after round " + round);
        }
    }

    private static Bytes key(int k) {
        return TckSupport.key("mono" + k);
    }

    /** A version's value: its own sequence, so a reader knows which version it sees. */
    private static Bytes stamp(long sequence) {
        return Bytes.ofUtf8(Long.toString(sequence));
    }
}
