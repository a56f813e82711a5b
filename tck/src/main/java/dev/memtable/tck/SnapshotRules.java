package dev.memtable.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.WriteBatch;
import dev.memtable.set.MemTableSet;
import dev.memtable.set.Snapshot;
import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules {@code snap01}–{@code snap04}: snapshots of a {@link MemTableSet} over the backend under
 * test, the scenarios of mini-lsm's week 3 (reads at a snapshot through writes, freezes and
 * flushes), a concurrency invariant that cannot hold by luck, the flush's view of versions, and
 * sequences across a restart. The set numbers writes and pins tables; the backend must keep every
 * version and answer reads at a sequence ({@link MemTable#get(Bytes, long)},
 * {@link MemTable#scan(Bound, Bound, long)}, {@link MemTable#versions}) exactly. A failure here
 * with the {@code seq} rules passing points at reads of frozen tables or at concurrency.
 */
public interface SnapshotRules extends ContractSupport {

    /**
     * snap01: two snapshots taken before and after a round of overwrites and deletes read exactly
     * what the set held when each was taken, through a freeze, a second round, and the flush and
     * release of both frozen tables; the set itself reads the newest values; each released table
     * stays readable until the last snapshot reading it is closed.
     */
    @Test
    default void required_snap01_snapshotsReadThroughFreezesAndFlushes() throws IOException {
        try (MemTableSet set = inMemory(testedProvider(), 1 << 20)) {
            Map<String, String> first = new TreeMap<>();
            for (int i = 0; i < 50; i++) {
                set.put(key(i), b("one-" + i));
                first.put(key(i).toUtf8String(), "one-" + i);
            }
            Snapshot s1 = set.snapshot();
            set.freeze();
            Map<String, String> second = new TreeMap<>(first);
            for (int i = 0; i < 50; i += 2) {
                if (i % 4 == 0) {
                    set.delete(key(i));
                    second.remove(key(i).toUtf8String());
                } else {
                    set.put(key(i), b("two-" + i));
                    second.put(key(i).toUtf8String(), "two-" + i);
                }
            }
            set.put(key(60), b("two-60"));
            second.put(key(60).toUtf8String(), "two-60");
            Snapshot s2 = set.snapshot();
            set.freeze();
            set.put(key(1), b("three"));
            set.delete(key(3));

            MemTable oldest = set.oldestImmutable().orElseThrow();
            set.flushed(oldest);
            set.flushed(set.oldestImmutable().orElseThrow());

            assertEquals(first, contents(s1.scan(Bound.unbounded(), Bound.unbounded())),
                    "the first snapshot after both tables were flushed");
            assertEquals(second, contents(s2.scan(Bound.unbounded(), Bound.unbounded())),
                    "the second snapshot");
            assertEquals(Optional.of(b("one-0")), s1.get(key(0)));
            assertEquals(Optional.of(Bytes.EMPTY), s2.get(key(0)), "deleted at the second");
            assertEquals(Optional.of(b("one-1")), s2.get(key(1)));
            assertEquals(Optional.empty(), s1.get(key(60)), "written after the first");
            assertEquals(Optional.of(b("three")), set.get(key(1)));
            assertEquals(Optional.of(Bytes.EMPTY), set.get(key(3)));
            assertEquals(Map.of(key(1).toUtf8String(), "one-1"),
                    contents(s2.scan(Bound.included(key(1)), Bound.included(key(1)))),
                    "a bounded scan at the second snapshot");
            s2.close();
            assertEquals(Optional.of(b("one-5")), s1.get(key(5)), "s1 still reads");
            assertEquals(Optional.of(b("one-5")), oldest.get(key(5)), "s1 still pins it");
            s1.close();
            assertThrows(IllegalStateException.class, () -> oldest.get(key(5)),
                    "closed once no snapshot reads it");
        }
    }

    /**
     * snap02: three writers move amounts between accounts of their own with atomic batches while
     * the set freezes every few KiB; two readers read at snapshots (a merged scan and a get per
     * account) and must always see the same total, every account once, and never a key's
     * version older than one they saw before. A backend that lets a read at a sequence see a
     * later version, or part of a batch, shows a wrong total within a few hundred transfers.
     * Before the race, one transfer after a snapshot is checked on its own, so such a backend
     * fails however the threads are scheduled.
     */
    @Test
    default void required_snap02_transfersKeepTheirTotalAtEverySnapshot() throws Exception {
        int writers = 3;
        int accountsEach = 6;
        int accounts = writers * accountsEach;
        int transfersEach = 1_500;
        long start = 1_000;
        long total = start * accounts;
        try (MemTableSet set = inMemory(testedProvider(), 8 * 1024)) {
            WriteBatch opening = new WriteBatch();
            for (int a = 0; a < accounts; a++) {
                opening.put(key(a), amount(start));
            }
            set.write(opening);
            try (Snapshot before = set.snapshot()) {
                set.write(new WriteBatch().put(key(0), amount(start - 7))
                        .put(key(1), amount(start + 7)));
                try (MemTableIterator it = before.scan(Bound.unbounded(), Bound.unbounded())) {
                    for (; it.isValid(); it.next()) {
                        assertTrue(it.sequence() <= before.sequence(), "snapshot "
                                + before.sequence() + " scanned " + it.key() + " at version "
                                + it.sequence() + ", written after it");
                        assertEquals(start, balance(Optional.of(it.value())), "snapshot "
                                + before.sequence() + " scanned a balance written after it");
                    }
                }
                assertEquals(start, balance(before.get(key(0))), "a get at the snapshot");
                set.write(new WriteBatch().put(key(0), amount(start))
                        .put(key(1), amount(start)));
            }
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> writerThreads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int first = w * accountsEach;
                int seed = w;
                writerThreads.add(start("snap02-writer-" + w, failures, () -> {
                    await(go);
                    Random r = new Random(seed);
                    for (int n = 0; n < transfersEach; n++) {
                        int from = first + r.nextInt(accountsEach);
                        int to = first + (from - first + 1 + r.nextInt(accountsEach - 1))
                                % accountsEach;
                        long move = 1 + r.nextInt(40);
                        long a = balance(set.get(key(from)));
                        long c = balance(set.get(key(to)));
                        set.write(new WriteBatch().put(key(from), amount(a - move))
                                .put(key(to), amount(c + move)));
                        if (n % 200 == 0) {
                            set.freeze();
                        }
                    }
                    return null;
                }));
            }
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(start("snap02-reader-" + r, failures, () -> {
                    await(go);
                    Map<String, Long> seen = new HashMap<>();
                    while (writing.get() && failures.isEmpty()) {
                        try (Snapshot s = set.snapshot()) {
                            long sum = 0;
                            int n = 0;
                            try (MemTableIterator it = s.scan(Bound.unbounded(),
                                    Bound.unbounded())) {
                                for (; it.isValid(); it.next(), n++) {
                                    sum += balance(Optional.of(it.value()));
                                    long seq = it.sequence();
                                    Long before = seen.put(it.key().toUtf8String(), seq);
                                    if (seq > s.sequence() || (before != null && before > seq)) {
                                        failures.add("key " + it.key() + " at version " + seq
                                                + " in snapshot " + s.sequence()
                                                + " (an earlier snapshot saw " + before + ")");
                                    }
                                }
                            }
                            if (n != accounts || sum != total) {
                                failures.add("snapshot " + s.sequence() + " scanned " + n
                                        + " accounts totalling " + sum + "; expected " + accounts
                                        + " totalling " + total);
                            }
                            long gets = 0;
                            for (int a = 0; a < accounts; a++) {
                                gets += balance(s.get(key(a)));
                            }
                            if (gets != total) {
                                failures.add("gets at snapshot " + s.sequence() + " total "
                                        + gets + ", expected " + total);
                            }
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            joinAll(writerThreads);
            writing.set(false);
            joinAll(readers);
            assertEquals(List.of(), List.copyOf(failures).subList(0,
                    Math.min(5, failures.size())), failures.size() + " failures");
            long sum = 0;
            for (int a = 0; a < accounts; a++) {
                sum += balance(set.get(key(a)));
            }
            assertEquals(total, sum, "the total after every transfer");
            assertTrue(set.immutables().size() >= 3, "expected several freezes");
        }
    }

    /**
     * snap03: {@code versionsToFlush} of a frozen table yields, keys ascending and sequences
     * descending, the newest version of each key plus exactly the older versions an open
     * snapshot sees, tombstones included, with their sequences; closing a snapshot drops what
     * only it saw.
     */
    @Test
    default void required_snap03_flushKeepsExactlyWhatSnapshotsSee() throws IOException {
        try (MemTableSet set = inMemory(testedProvider(), 1 << 20)) {
            set.put(b("k"), b("v1"));      // 1
            Snapshot at1 = set.snapshot();
            set.put(b("k"), b("v2"));      // 2
            set.put(b("k"), b("v3"));      // 3
            Snapshot at3 = set.snapshot();
            set.delete(b("k"));            // 4
            set.put(b("j"), b("w5"));      // 5
            set.put(b("j"), b("w6"));      // 6
            set.freeze();
            MemTable frozen = set.oldestImmutable().orElseThrow();
            assertEquals(List.of("j@6=w6", "k@4=", "k@3=v3", "k@1=v1"),
                    versions(set.versionsToFlush(frozen)));
            at1.close();
            assertEquals(List.of("j@6=w6", "k@4=", "k@3=v3"),
                    versions(set.versionsToFlush(frozen)));
            at3.close();
            assertEquals(List.of("j@6=w6", "k@4="), versions(set.versionsToFlush(frozen)));
        }
    }

    /**
     * snap04: closed and reopened on its WAL directory, a set resumes numbering above the highest
     * sequence recovered, and a snapshot of the reopened set reads every recovered version as
     * before. Look at {@code recoverFromWal} and {@link MemTable#lastSequence()}. Needs
     * {@link Capability#WAL}.
     */
    @Test
    default void optional_snap04_restartResumesSequencesAboveTheRecoveredOnes(@TempDir Path tmp)
            throws IOException {
        MemTableProvider provider = testedProvider();
        Assumptions.assumeTrue(provider.capabilities().contains(Capability.WAL),
                "backend " + provider.name() + " does not declare Capability.WAL");
        Path dir = tmp.resolve("wal");
        long last;
        try (MemTableSet set = MemTableSet.builder().backend(provider).freezeAtBytes(1 << 20)
                .walDirectory(dir).build()) {
            set.put(b("a"), b("1"));
            set.freeze();
            set.put(b("a"), b("2"));
            set.write(new WriteBatch().put(b("b"), b("3")).delete(b("c")));
            last = set.lastSequence();
            set.sync();
        }
        assertEquals(3, last);
        try (MemTableSet set = MemTableSet.builder().backend(provider).freezeAtBytes(1 << 20)
                .walDirectory(dir).build()) {
            assertEquals(last, set.lastSequence(), "the highest sequence recovered");
            try (Snapshot s = set.snapshot()) {
                set.put(b("a"), b("4"));
                assertEquals(last + 1, set.lastSequence(), "sequences keep rising");
                assertEquals(Optional.of(b("2")), s.get(b("a")));
                assertEquals(Optional.of(Bytes.EMPTY), s.get(b("c")));
                assertEquals(Map.of("a", "2", "b", "3"),
                        contents(s.scan(Bound.unbounded(), Bound.unbounded())));
            }
            assertEquals(Optional.of(b("4")), set.get(b("a")));
        }
    }

    private static MemTableSet inMemory(MemTableProvider provider, long freezeAtBytes)
            throws IOException {
        return MemTableSet.builder().backend(provider).freezeAtBytes(freezeAtBytes).build();
    }

    private static Bytes b(String s) {
        return Bytes.ofUtf8(s);
    }

    private static Bytes key(int i) {
        return b(String.format("key-%03d", i));
    }

    private static Bytes amount(long v) {
        return b(Long.toString(v));
    }

    private static long balance(Optional<Bytes> v) {
        if (v.isEmpty() || v.get().isEmpty()) {
            throw new AssertionError("an account is missing: " + v);
        }
        return Long.parseLong(v.get().toUtf8String());
    }

    /** Reads and closes {@code it}: key to value (text). */
    private static Map<String, String> contents(MemTableIterator it) {
        Map<String, String> out = new TreeMap<>();
        try (it) {
            for (; it.isValid(); it.next()) {
                out.put(it.key().toUtf8String(), it.value().toUtf8String());
            }
        }
        return out;
    }

    /** Reads and closes {@code it}: {@code key@sequence=value} per version. */
    private static List<String> versions(MemTableIterator it) {
        List<String> out = new ArrayList<>();
        try (it) {
            for (; it.isValid(); it.next()) {
                out.add(it.key().toUtf8String() + "@" + it.sequence() + "="
                        + it.value().toUtf8String());
            }
        }
        return out;
    }

    private static Thread start(String name, Queue<String> failures, Callable<?> body) {
        Thread t = new Thread(() -> {
            try {
                body.call();
            } catch (Throwable e) {
                failures.add(name + ": " + e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        latch.await();
    }

    private static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join(120_000);
            assertTrue(!t.isAlive(), t.getName() + " did not finish within two minutes");
        }
    }
}
