package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.value;
import static dev.memtable.tck.TckSupport.versionsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Capability;
import dev.memtable.tck.VersionModel.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code vconc01}–{@code vconc03}: versions under concurrent writers (capability
 * {@link Capability#CONCURRENT_WRITES}). Writers take sequences from a shared counter and land
 * out of order; the rule publishes a sequence only once every write at or below it is applied
 * ({@link OrderedPublication}, as a memtable set does), so a reader at the published sequence
 * must see a consistent, complete state, and what it saw must never go away. Threads run in
 * rounds released together ({@link Rounds}) and the state is checked after every round, so a
 * race shows on every run.
 *
 * <p>When one fails, look at how a version is linked into its key's chain (compare-and-set, and
 * a node complete before it is reachable) and at how a read walks the chain while a version
 * lands below the newest.
 */
public interface VersionConcurrencyRules extends ContractSupport {

    /** How long a rule waits for its threads. */
    Duration VERSIONS_DEADLINE = Duration.ofSeconds(60);

    /**
     * <b>vconc01</b>: 4 writers move amounts between 8 accounts, each transfer one batch (both
     * balances) at a sequence taken from a shared counter (in pairs that share an account, the
     * later written first, so they land out of order), while 2 readers scan every account at
     * the published sequence: every scan finds all 8 accounts and the same total, and after
     * every round each balance is the one the transfers at or below the published sequence left.
     * <p>If it fails with a wrong total: a reader saw a batch half applied at a published
     * sequence, or a version lost to a racing writer of the same account; with a missing account:
     * a read walked past a version being linked.
     */
    @Test
    default void optional_vconc01_readersAtThePublishedSequenceSeeWholeBatches()
            throws InterruptedException {
        assumeCapability(Capability.CONCURRENT_WRITES);
        new Vconc01(newTable(), ConcurrencySupport.rounds(), VERSIONS_DEADLINE).run();
    }

    /**
     * <b>vconc02</b>: 4 writers write versions of 4 keys at sequences from a shared counter
     * (in pairs on one key, the later written first, so they land out of order) while 2 readers read each key at rising published sequences, by
     * {@code get} and by {@code scan}: the sequence of the version a reader sees never goes down
     * and the key never disappears (a version, once visible, stays); after every round
     * {@code versions()} holds every version written.
     * <p>If it fails: a version was lost to a racing writer, or a read walking the key's versions
     * found the chain cut while an older version was being linked below the newest.
     */
    @Test
    default void optional_vconc02_aVisibleVersionNeverDisappears() throws InterruptedException {
        assumeCapability(Capability.CONCURRENT_WRITES);
        new Vconc02(newTable(), ConcurrencySupport.rounds(), VERSIONS_DEADLINE).run();
    }

    /**
     * <b>vconc03</b>: 4 writers write the same versions (same keys, same sequences, values of
     * their own) at once, in rounds, in different orders: after every round each
     * {@code (key, sequence)} is one version in {@code versions()}, holding one writer's value,
     * and {@code get} at that sequence answers it.
     * <p>If it fails with a version listed twice: an insert that lost a race does not look
     * again for the equal version the winner linked.
     */
    @Test
    default void optional_vconc03_racingRewritesOfAVersionLeaveOneVersion()
            throws InterruptedException {
        assumeCapability(Capability.CONCURRENT_WRITES);
        MemTable t = newTable();
        int writers = 4;
        int keys = 64;
        int rounds = 2 * ConcurrencySupport.rounds();
        Rounds run = new Rounds(r -> { }, r -> {
            List<Version> all = versionsOf(t);
            long base = (long) r * keys;
            List<Version> ofRound = all.stream()
                    .filter(v -> v.sequence() > base && v.sequence() <= base + keys).toList();
            assertEquals(keys, ofRound.size(), "versions of round " + r + " (one per key, "
                    + keys + " keys): " + ofRound);
            for (Version v : ofRound) {
                long want = base + 1 + Integer.parseInt(v.key().toUtf8String().substring(4));
                assertEquals(want, v.sequence(), "sequence of " + v);
                String value = v.value().toUtf8String();
                if (!value.matches("w[0-" + (writers - 1) + "]-r" + r)) {
                    throw new AssertionError("version " + v + " holds no writer's value of"
                            + " round " + r);
                }
                assertEquals(Optional.of(v.value()), t.get(v.key(), v.sequence()),
                        "get(" + v.key() + ", " + v.sequence() + ")");
            }
        });
        List<Rounds.Task> tasks = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int me = w;
            tasks.add(r -> {
                Bytes v = value("w" + me + "-r" + r);
                for (int i = 0; i < keys; i++) {
                    int k = me % 2 == 0 ? i : keys - 1 - i;
                    t.put(vconc03Key(k), v, (long) r * keys + 1 + k);
                }
            });
        }
        run.run("vconc03-writer", VERSIONS_DEADLINE, rounds, tasks);
    }

    /** Key {@code k} of vconc03: {@code "v03-"} and two digits. */
    private static Bytes vconc03Key(int k) {
        return key(String.format("v03-%02d", k));
    }
}
