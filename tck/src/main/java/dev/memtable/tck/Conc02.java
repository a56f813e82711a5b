package dev.memtable.tck;

import static dev.memtable.tck.ConcurrencySupport.ascending;
import static dev.memtable.tck.TckSupport.contents;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The run of rule conc02 ({@link ConcurrencyRules#optional_conc02_concurrentWritersLoseNoWrite}):
 * four writers in rounds, inserting next to each other and the same keys at the same moment.
 *
 * <p>In round {@code r} the writers take the indexes {@code 0, 1, 2, …} of the round's keys from
 * one shared counter, so at any moment they insert consecutive keys, all into the same place of
 * the structure (the end of the round's region, which is empty when the round begins). Before
 * each key a writer puts the shared key {@code idx / 4}, which the writers holding the four
 * neighbouring indexes put at about the same moment, the first of them inserting it; after it,
 * it deletes the key of the same index of the round before.
 */
final class Conc02 {

    static final int WRITERS = 4;
    /** Keys each round inserts. */
    static final int PER_ROUND = 600;
    private static final int SHARED = PER_ROUND / WRITERS;

    private final int rounds;
    private final MemTable t;
    private final Duration deadline;
    private final AtomicInteger next = new AtomicInteger();
    /** The writer of each key, by round and index. */
    private final int[][] owner;
    /** Each writer's last value of each shared key, by round. */
    private final Bytes[][][] lastShared;
    private final long[] bytes = new long[WRITERS];
    private final Rounds run = new Rounds(r -> next.set(0), this::afterRound);

    /**
     * @param t the table under test
     * @param rounds the number of rounds
     * @param deadline how long to wait for the threads
     */
    Conc02(MemTable t, int rounds, Duration deadline) {
        this.t = t;
        this.rounds = rounds;
        this.deadline = deadline;
        this.owner = new int[rounds][PER_ROUND];
        this.lastShared = new Bytes[rounds][SHARED][WRITERS];
    }

    void run() throws InterruptedException {
        List<Rounds.Task> tasks = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int me = w;
            tasks.add(r -> write(me, r));
        }
        run.run("conc02-writer", deadline, rounds, tasks);
    }

    private void write(int me, int round) {
        for (int i = next.getAndIncrement(); i < PER_ROUND; i = next.getAndIncrement()) {
            Bytes sk = shared(round, i / WRITERS);
            Bytes sv = value("s" + me + "-r" + round + "-i" + i);
            t.put(sk, sv);
            bytes[me] += sk.length() + sv.length() + MemTable.VERSION_BYTES;
            lastShared[round][i / WRITERS][me] = sv;
            Bytes k = own(round, i);
            Bytes v = value("w" + me + "-r" + round + "-i" + i);
            t.put(k, v);
            bytes[me] += k.length() + v.length() + MemTable.VERSION_BYTES;
            owner[round][i] = me;
            readBack(k, v);
            if (round > 0 && i % 5 == 0) {
                Bytes dk = own(round - 1, i);
                t.delete(dk);
                bytes[me] += dk.length() + MemTable.VERSION_BYTES;
                readBack(dk, Bytes.EMPTY);
            }
        }
    }

    private void readBack(Bytes k, Bytes v) {
        Optional<Bytes> back = t.get(k);
        if (!back.equals(Optional.of(v))) {
            throw new AssertionError("get(" + k + ") right after writing " + v + " returned "
                    + back + ": the write was lost (no other thread writes that key now)");
        }
    }

    /**
     * Every own key holds its writer's value (or the tombstone of the round after), every shared
     * key the last value of one of the writers, each key once, and the size counts every write.
     */
    private void afterRound(int round) {
        TreeMap<Bytes, Set<Bytes>> want = new TreeMap<>(ReferenceModel.UNSIGNED);
        for (int r = 0; r <= round; r++) {
            for (int i = 0; i < PER_ROUND; i++) {
                boolean deleted = r < round && i % 5 == 0;
                Bytes v = value("w" + owner[r][i] + "-r" + r + "-i" + i);
                want.put(own(r, i), Set.of(deleted ? Bytes.EMPTY : v));
            }
            for (int s = 0; s < SHARED; s++) {
                Set<Bytes> candidates = new HashSet<>();
                for (Bytes v : lastShared[r][s]) {
                    if (v != null) {
                        candidates.add(v);
                    }
                }
                want.put(shared(r, s), candidates);
            }
        }
        List<Map.Entry<Bytes, Bytes>> all = ascending(contents(t), "a full scan after round "
                + round);
        assertEquals(List.copyOf(want.keySet()), TckSupport.keys(all), "keys after round "
                + round + ": every key written, each once");
        for (Map.Entry<Bytes, Bytes> e : all) {
            Set<Bytes> allowed = want.get(e.getKey());
            if (!allowed.contains(e.getValue())) {
                throw new AssertionError(e.getKey() + " holds " + e.getValue() + " after round "
                        + round + "; expected " + (allowed.size() == 1 ? "" : "one of ")
                        + allowed);
            }
            if (allowed.size() > 1) {
                assertEquals(Optional.of(e.getValue()), t.get(e.getKey()),
                        "get of shared key " + e.getKey() + " must agree with the scan");
            }
        }
        long size = 0;
        for (long b : bytes) {
            size += b;
        }
        assertEquals(size, t.approximateSize(), "size after round " + round);
    }

    private static Bytes own(int round, int index) {
        return TckSupport.key(String.format("c02-%02d-%05d", round, index));
    }

    private static Bytes shared(int round, int index) {
        return TckSupport.key(String.format("c02-%02d-s%04d", round, index));
    }
}
