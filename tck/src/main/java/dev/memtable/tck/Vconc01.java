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
 * The engine of rule vconc01 ({@link VersionConcurrencyRules}): writers move amounts between
 * accounts with batches at sequences from an {@link OrderedPublication}; readers scan at the
 * published sequence and must find every account and the same total.
 */
final class Vconc01 {
    private static final int ACCOUNTS = 8;
    private static final int WRITERS = 4;
    private static final int READERS = 2;
    private static final int TRANSFERS_PER_WRITER = 300;
    private static final long START = 1_000;

    private final MemTable t;
    private final int rounds;
    private final Duration deadline;
    private final OrderedPublication sequences = new OrderedPublication(1);
    /** The balances after the last transfer taken; guarded by itself. */
    private final long[] balances = new long[ACCOUNTS];
    /** The balances at each sequence, for the checks between rounds. */
    private final ConcurrentHashMap<Long, long[]> history = new ConcurrentHashMap<>();
    private final AtomicInteger writing = new AtomicInteger();
    private final AtomicBoolean writersDone = new AtomicBoolean();

    Vconc01(MemTable t, int rounds, Duration deadline) {
        this.t = t;
        this.rounds = rounds;
        this.deadline = deadline;
    }

    void run() throws InterruptedException {
        WriteBatch opening = new WriteBatch();
        for (int a = 0; a < ACCOUNTS; a++) {
            balances[a] = START;
            opening.put(account(a), amount(START));
        }
        t.write(opening, 1);
        history.put(1L, balances.clone());
        Rounds run = new Rounds(r -> {
            writing.set(WRITERS);
            writersDone.set(false);
        }, this::afterRound);
        List<Rounds.Task> tasks = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int me = w;
            tasks.add(r -> transfer(me, r));
        }
        for (int i = 0; i < READERS; i++) {
            tasks.add(r -> read());
        }
        run.run("vconc01", deadline, rounds, tasks);
    }

    /**
     * Makes transfers in pairs that share an account ({@code a -> b}, then {@code b -> c}), at
     * two consecutive sequences, and writes the second first: so every pair lands out of order
     * on {@code b}, whose older version is linked below the newer while the sequence below both
     * is the published one.
     */
    private void transfer(int me, int round) {
        SplittableRandom random = new SplittableRandom(me * 1_000_003L + round);
        try {
            for (int i = 0; i < TRANSFERS_PER_WRITER / 2; i++) {
                int a = random.nextInt(ACCOUNTS);
                int b = (a + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                int c = (b + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                long first;
                long second;
                WriteBatch one = new WriteBatch();
                WriteBatch two = new WriteBatch();
                synchronized (balances) {
                    first = sequences.take();
                    move(a, b, 1 + random.nextInt(50), one);
                    history.put(first, balances.clone());
                    second = sequences.take();
                    move(b, c, 1 + random.nextInt(50), two);
                    history.put(second, balances.clone());
                }
                t.write(two, second);
                t.write(one, first);
                sequences.done(second);
                sequences.done(first);
            }
        } finally {
            if (writing.decrementAndGet() == 0) {
                writersDone.set(true);
            }
        }
    }

    /** Moves {@code amount} from {@code from} to {@code to} in the model and the batch. */
    private void move(int from, int to, long amount, WriteBatch batch) {
        balances[from] -= amount;
        balances[to] += amount;
        batch.put(account(from), amount(balances[from]));
        batch.put(account(to), amount(balances[to]));
    }

    /** Scans at the published sequence until the writers of the round are done. */
    private void read() {
        do {
            long at = sequences.published();
            long total = 0;
            int seen = 0;
            try (MemTableIterator it = t.scan(Bound.unbounded(), Bound.unbounded(), at)) {
                for (; it.isValid(); it.next()) {
                    total += Long.parseLong(it.value().toUtf8String());
                    seen++;
                }
            }
            if (seen != ACCOUNTS || total != ACCOUNTS * START) {
                throw new AssertionError("a scan at the published sequence " + at
                        + " found " + seen + " of " + ACCOUNTS + " accounts holding "
                        + total + " in all; every write at or below " + at + " is complete,"
                        + " so it must find " + ACCOUNTS + " holding " + ACCOUNTS * START
                        + " (the balances at " + at + ": "
                        + Arrays.toString(history.get(at)) + ")");
            }
        } while (!writersDone.get());
    }

    private void afterRound(int round) {
        long at = sequences.published();
        assertEquals(sequences.taken(), at, "published sequence after round " + round);
        long[] want = history.get(at);
        for (int a = 0; a < ACCOUNTS; a++) {
            assertEquals(Optional.of(amount(want[a])), t.get(account(a), at),
                    "balance of " + account(a) + " at " + at + " after round " + round);
            assertEquals(Optional.of(amount(want[a])), t.get(account(a)),
                    "newest balance of " + account(a) + " after round " + round);
        }
    }

    private static Bytes account(int a) {
        return TckSupport.key("acct" + a);
    }

    private static Bytes amount(long amount) {
        return Bytes.ofUtf8(Long.toString(amount));
    }
}
