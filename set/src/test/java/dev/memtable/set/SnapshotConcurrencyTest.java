package dev.memtable.set;

import static dev.memtable.set.SetTestSupport.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Snapshots and publication under concurrent writers and freezes. Writers move amounts
 * between accounts with atomic batches; readers must always see the same total, through
 * snapshots and through plain scans (which read at the published sequence), and must never see
 * a key's version go back in time. A reader that could see part of a batch, or write {@code s+1}
 * without write {@code s}, sees a wrong total within a few hundred transfers.
 */
class SnapshotConcurrencyTest {

    private static final int WRITERS = 3;
    private static final int ACCOUNTS_PER_WRITER = 8;
    private static final int ACCOUNTS = WRITERS * ACCOUNTS_PER_WRITER;
    private static final long START = 1_000;
    private static final long TOTAL = START * ACCOUNTS;
    private static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(1_500);

    @Test
    void transfers_alwaysSumToTheSameTotalAtEverySnapshot() throws Exception {
        try (MemTableSet set = MemTableSet.builder().backend(TestBackend.concurrent())
                .freezeAtBytes(16 * 1024).build()) {
            WriteBatch opening = new WriteBatch();
            for (int a = 0; a < ACCOUNTS; a++) {
                opening.put(account(a), amount(START));
            }
            set.write(opening);

            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong transfers = new AtomicLong();
            AtomicLong checks = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int first = w * ACCOUNTS_PER_WRITER;
                threads.add(SetTestSupport.start("writer-" + w, guard(failure, () -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    while (!stop.get()) {
                        // Each writer owns its accounts, so its read-modify-write is exact.
                        int from = first + r.nextInt(ACCOUNTS_PER_WRITER);
                        int to = first + r.nextInt(ACCOUNTS_PER_WRITER);
                        if (from == to) {
                            continue;
                        }
                        long move = r.nextLong(1, 50);
                        long a = balance(set.get(account(from)));
                        long c = balance(set.get(account(to)));
                        set.write(new WriteBatch().put(account(from), amount(a - move))
                                .put(account(to), amount(c + move)));
                        transfers.incrementAndGet();
                    }
                })));
            }
            threads.add(SetTestSupport.start("snapshot-reader", guard(failure, () -> {
                Map<String, Long> lastSeen = new HashMap<>();
                long lastSequence = 0;
                while (!stop.get()) {
                    try (Snapshot s = set.snapshot()) {
                        assertTrue(s.sequence() >= lastSequence, "snapshots go forward");
                        lastSequence = s.sequence();
                        long sum = 0;
                        int n = 0;
                        try (MemTableIterator it = s.scan(Bound.unbounded(), Bound.unbounded())) {
                            for (; it.isValid(); it.next(), n++) {
                                sum += balance(Optional.of(it.value()));
                                assertTrue(it.sequence() <= s.sequence());
                                Long before = lastSeen.put(it.key().toUtf8String(),
                                        it.sequence());
                                assertTrue(before == null || before <= it.sequence(),
                                        "a newer version of " + it.key() + " disappeared: saw "
                                                + before + ", now " + it.sequence());
                            }
                        }
                        assertEquals(ACCOUNTS, n, "every account, once");
                        assertEquals(TOTAL, sum, "total at snapshot " + s.sequence());
                        long gets = 0;
                        for (int a = 0; a < ACCOUNTS; a++) {
                            gets += balance(s.get(account(a)));
                        }
                        assertEquals(TOTAL, gets, "total of gets at snapshot " + s.sequence());
                    }
                    checks.incrementAndGet();
                }
            })));
            threads.add(SetTestSupport.start("scan-reader", guard(failure, () -> {
                while (!stop.get()) {
                    long sum = 0;
                    try (MemTableIterator it = set.scan(Bound.unbounded(), Bound.unbounded())) {
                        for (; it.isValid(); it.next()) {
                            sum += balance(Optional.of(it.value()));
                        }
                    }
                    assertEquals(TOTAL, sum, "a plain scan reads at the published sequence");
                    checks.incrementAndGet();
                }
            })));
            // Freezes race the writers and readers (flushes would drop data: there is no store
            // here; SnapshotTest covers reads through flushes).
            threads.add(SetTestSupport.start("freezer", guard(failure, () -> {
                while (!stop.get()) {
                    set.freeze();
                    Thread.sleep(1);
                }
            })));

            long end = System.nanoTime() + RUN_NANOS;
            while (System.nanoTime() < end && failure.get() == null) {
                Thread.sleep(10);
            }
            stop.set(true);
            for (Thread t : threads) {
                SetTestSupport.join(t);
            }
            assertNull(failure.get(), () -> "failed: " + failure.get());
            assertTrue(transfers.get() > 100, "too few transfers to mean anything: " + transfers);
            assertTrue(checks.get() > 10, "too few checks to mean anything: " + checks);
        }
    }

    /**
     * Writers race freezes of a tiny table: every sequence in an older table must stay below
     * every sequence in a newer one, or a read that stops at the newest table knowing a key would
     * return an older version.
     */
    @Test
    void freezes_keepSequencesRisingFromOlderTablesToNewerOnes() throws Exception {
        try (MemTableSet set = MemTableSet.builder().backend(TestBackend.concurrent())
                .freezeAtBytes(200).build()) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                threads.add(SetTestSupport.start("writer-" + w, guard(failure, () -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int i = 0; i < 3_000; i++) {
                        set.put(b("k" + r.nextInt(8)), b(Integer.toString(i)));
                    }
                })));
            }
            threads.add(SetTestSupport.start("freezer", guard(failure, () -> {
                for (int i = 0; i < 300; i++) {
                    set.freeze();
                }
            })));
            for (Thread t : threads) {
                SetTestSupport.join(t);
            }
            assertNull(failure.get(), () -> "failed: " + failure.get());

            List<MemTable> newestFirst = new ArrayList<>();
            newestFirst.add(set.mutable());
            newestFirst.addAll(set.immutables());
            assertTrue(newestFirst.size() > 20, "too few freezes: " + newestFirst.size());
            long newerMin = Long.MAX_VALUE;
            long versions = 0;
            for (MemTable t : newestFirst) {
                long min = Long.MAX_VALUE;
                long max = 0;
                try (MemTableIterator it = t.versions(Bound.unbounded(), Bound.unbounded())) {
                    for (; it.isValid(); it.next(), versions++) {
                        min = Math.min(min, it.sequence());
                        max = Math.max(max, it.sequence());
                    }
                }
                if (max > 0) {
                    assertTrue(max < newerMin, "memtable " + t.id() + " holds sequence " + max
                            + ", not below the newer table's lowest " + newerMin);
                    newerMin = min;
                }
            }
            assertEquals(4 * 3_000, versions, "every write is one version, none lost");
            // A writer that took its sequence just after a freeze gives it up (a gap) and
            // writes into the next table at a new one.
            assertTrue(set.lastSequence() >= versions, "sequences: " + set.lastSequence());
        }
    }

    private static Runnable guard(AtomicReference<Throwable> failure, ThrowingRunnable body) {
        return () -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static Bytes account(int a) {
        return b(String.format("acct-%03d", a));
    }

    private static Bytes amount(long v) {
        return Bytes.wrap(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
    }

    private static long balance(Optional<Bytes> v) throws IOException {
        return Long.parseLong(v.orElseThrow(() -> new IOException("account missing"))
                .toUtf8String());
    }
}
