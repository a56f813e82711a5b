package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.runConcurrently;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Capability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code conc01}–{@code conc05}: thread safety. Readers run alongside writers and see
 * weakly consistent scans (keys strictly ascending and in range, no key twice, every value one
 * that was written for its key, never an exception); a write is visible to every read that starts
 * after it returns; with {@link Capability#CONCURRENT_WRITES}, concurrent writers and batches lose
 * nothing and end in the state of some serial order.
 *
 * <p>Nothing here passes by luck of the scheduler: the threads work in rounds released together by
 * a barrier, with the invariant checked after every round; writers in one round insert keys next
 * to each other and the same new keys at the same time; and a scanner holds its iterator open,
 * half read, until a writer has inserted keys around it. The rules count operations, not time:
 * each takes well under a second on a small machine and waits at most {@link #DEADLINE} for its
 * threads, reporting a deadlock as a failure with the stuck threads' stacks. Values encode their
 * key and version, so a reader can tell a value really written for a key from a stale, torn or
 * foreign one.
 */
public interface ConcurrencyRules extends ContractSupport {

    /** The longest a concurrency rule waits for its threads before it reports them stuck. */
    Duration DEADLINE = Duration.ofSeconds(60);

    /**
     * The system property that sets the number of rounds of conc01–conc03 (conc04 runs eight
     * times as many): lower it for a quicker run, raise it to soak.
     */
    String ROUNDS_PROPERTY = "memtable.tck.rounds";

    /** The default number of rounds of conc01–conc03. */
    int DEFAULT_ROUNDS = 8;

    /**
     * <b>conc01</b>: one writer, two scanners and a reader, in 8 rounds (see
     * {@link #ROUNDS_PROPERTY}). In each round the writer
     * inserts up to 400 new keys between the keys already there (in random order), each followed
     * by an overwrite of an older key, and keeps writing until each scanner has finished two
     * scans; each scanner first holds an iterator open, half read, until the writer has written
     * around it, then scans whole and bounded ranges until the writer stops; the reader reads
     * single keys meanwhile. Every scan yields strictly ascending keys within its bounds, each
     * value one written for its key no later than the writer has got to, and every key whose
     * write returned before the scan started; a read sees a key at the version whose write
     * returned before it started, or a later one. After every round the table holds exactly the
     * last version of every key and the size counts every write. Needs no capability: one writer
     * with concurrent readers is always allowed.
     * <p>If it fails: the message names the thread, the round and the broken property; look at
     * how the iterator moves through a map that changes under it (a snapshot-free iterator must not
     * revisit or skip keys it has passed, must not fail because the map changed, and must not
     * return a value of another key), and at reads done without the lock writers take.
     */
    @Test
    default void required_conc01_readersRunDuringOneWriter() throws InterruptedException {
        new Conc01(newTable(), ConcurrencySupport.rounds(), DEADLINE).run();
    }

    /**
     * <b>conc02</b>: four writers, in 8 rounds. In each round the writers take the indexes of 600
     * new keys from one shared counter, so at any moment they insert consecutive keys into the
     * same place of the structure; with each key a writer puts a shared key that the writers of
     * the neighbouring indexes put at about the same moment, and deletes a key of the round
     * before; it reads each of its own writes back right after it returns. After every round:
     * every key holds its writer's value (or tombstone), every shared key the last value of one of
     * the writers, a full scan yields each key once in order, and the size counts every write.
     * Needs {@link Capability#CONCURRENT_WRITES}.
     * <p>If it fails: writes are lost, doubled or torn under contention; look for check-then-act
     * sequences and unsynchronised structures in the put path, a link stored without a
     * compare-and-set, and an insert that, after losing a race, does not look again for an equal
     * key that a concurrent insert has just linked.
     */
    @Test
    default void optional_conc02_concurrentWritersLoseNoWrite() throws InterruptedException {
        assumeCapability(Capability.CONCURRENT_WRITES);
        new Conc02(newTable(), ConcurrencySupport.rounds(), DEADLINE).run();
    }

    /**
     * <b>conc03</b>: three writers and two scanners, in 8 rounds. In each round the three writers
     * insert the same 150 new keys between the existing ones, in the same order and so at the
     * same moments, and put or delete random older keys; each scanner first holds an iterator open,
     * half read, until the writers have written 20 keys, then scans whole and bounded ranges until
     * they are done. Every scan yields strictly ascending keys within its bounds, every key that
     * was in the table before the round began, and for each a tombstone or a value some writer had
     * already begun to write for that key. After every round each key holds the last write of one
     * of the writers that wrote it in that round (or its value from before), once. Needs
     * {@link Capability#CONCURRENT_WRITES}.
     * <p>If it fails: the iterator is not safe against concurrent writers (it walks a structure
     * that writers change or rebalance without a lock), or concurrent inserts of one key lose a
     * write or leave two entries.
     */
    @Test
    default void optional_conc03_scansStayConsistentDuringConcurrentWrites()
            throws InterruptedException {
        assumeCapability(Capability.CONCURRENT_WRITES);
        MemTable t = newTable();
        new Conc03(t, ConcurrencySupport.rounds(), DEADLINE).run();
    }

    /**
     * <b>conc04</b>: four threads, in 64 rounds released together, each write one batch per round
     * that sets the same 128 keys to one value (each thread listing the keys in a different order)
     * and adds a key of its own. After every round the 128 keys hold one and the same value, that
     * of one of the round's batches, as in some serial order; every own key is present and the
     * size counts every entry. Needs {@link Capability#CONCURRENT_WRITES}.
     * <p>If it fails with mixed values: batches are applied entry by entry without mutual
     * exclusion; if it times out: batches lock keys in batch order and deadlock (lock in one
     * global order instead).
     */
    @Test
    default void optional_conc04_concurrentBatchesAreSerialised() throws InterruptedException {
        assumeCapability(Capability.CONCURRENT_WRITES);
        MemTable t = newTable();
        int threads = 4;
        int rounds = 8 * ConcurrencySupport.rounds();
        int group = 128;
        Bytes[] roundValue = new Bytes[threads];
        long[] payload = new long[threads];
        Rounds run = new Rounds(r -> { }, r -> {
            Set<Bytes> candidates = Set.of(roundValue);
            Optional<Bytes> first = t.get(conc04Group(0));
            if (first.isEmpty() || !candidates.contains(first.get())) {
                throw new AssertionError("after round " + r + " " + conc04Group(0) + " must hold"
                        + " the value of one of the round's batches " + candidates + ", but holds "
                        + first);
            }
            for (int g = 1; g < group; g++) {
                assertEquals(first, t.get(conc04Group(g)), "after round " + r + " "
                        + conc04Group(g) + " must hold the value of " + conc04Group(0) + ": all "
                        + group + " were written by the same batches");
            }
            long size = 0;
            for (int w = 0; w < threads; w++) {
                size += payload[w];
                assertEquals(Optional.of(value("x")), t.get(conc04Own(w, r)),
                        "own key of a batch of round " + r);
            }
            assertEquals(size, t.approximateSize(), "size after round " + r);
        });
        List<Rounds.Task> tasks = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int me = w;
            tasks.add(r -> {
                Bytes v = value("t" + me + "-r" + r);
                WriteBatch batch = new WriteBatch();
                for (int g = 0; g < group; g++) {
                    int index = me % 2 == 0 ? (g + me * 17) % group
                            : (group - 1 - g + me * 17) % group;
                    batch.put(conc04Group(index), v);
                }
                batch.put(conc04Own(me, r), value("x"));
                t.write(batch);
                payload[me] += batch.payloadBytes()
                        + (long) batch.entries().size() * MemTable.VERSION_BYTES;
                roundValue[me] = v;
            });
        }
        run.run("conc04-writer", DEADLINE, rounds, tasks);
    }

    /**
     * <b>conc05</b>: an open iterator does not block writers: while a thread holds an iterator
     * positioned in the middle of 500 entries, another thread puts, deletes and writes a batch,
     * then the iterator's own thread writes too, and the iterator then runs to its end with keys
     * strictly ascending. Needs no capability (the writes do not overlap). The other thread is
     * declared blocked once it has waited on a lock for two seconds without a break.
     * <p>If it fails: the iterator holds a lock (e.g. a read lock of a read-write lock)
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
        AtomicReference<Thread> writer = new AtomicReference<>();
        long wait = DEADLINE.toSeconds() / 2;
        List<Callable<?>> tasks = List.of(() -> {
            try (MemTableIterator it = t.scan(Bound.unbounded(), Bound.unbounded())) {
                Bytes previous;
                try {
                    for (int i = 0; i < 300; i++) {
                        it.next();
                    }
                    previous = it.key();
                } finally {
                    opened.countDown(); // also if this thread failed: the writer must not wait
                }
                if (!ConcurrencySupport.awaitUnlessParked(written, writer, wait)) {
                    throw new AssertionError("another thread could not write while this thread"
                            + " held an open iterator (it waited on a lock for "
                            + ConcurrencySupport.PARKED_MILLIS + " ms, or did not finish in "
                            + wait + " s)");
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
            writer.set(Thread.currentThread());
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

    private static Bytes conc01Key(int i) {
        return Conc01.key(i);
    }

    private static Bytes conc04Own(int thread, int round) {
        return key("own-" + thread + "-" + round);
    }

    private static Bytes conc04Group(int index) {
        return key("group-" + index);
    }
}
