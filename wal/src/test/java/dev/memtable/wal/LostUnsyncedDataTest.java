package dev.memtable.wal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.RecoveryMode;
import dev.memtable.WalOptions;
import dev.memtable.spi.Wal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated power loss: writers append and sometimes sync; at a random moment the file layer
 * dies, and everything after the durable offset of the last successful fsync (from a random
 * point on) is dropped, zeroed or garbled, as a disk may leave unsynced data. Every synced write
 * must recover, and what recovers must be a prefix of each writer's writes with exact values and
 * sequences.
 * Rounds: {@code -Dmemtable.test.rounds} (default 5) times four.
 */
class LostUnsyncedDataTest {

    private static final int THREADS = 4;

    @TempDir
    Path dir;

    @Test
    void recover_unsyncedTailLost_everySyncedWriteSurvives() throws Exception {
        int rounds = 4 * Integer.getInteger("memtable.test.rounds", 5);
        long seed = Long.getLong("memtable.test.seed", System.nanoTime());
        Random random = new Random(seed);
        long totalAcked = 0;
        for (int round = 0; round < rounds; round++) {
            Fate fate = Fate.values()[round % Fate.values().length];
            try {
                totalAcked += round(round, fate, random);
            } catch (AssertionError | IOException e) {
                throw new AssertionError("round " + round + " (" + fate + ") failed; rerun with"
                        + " -Dmemtable.test.seed=" + seed, e);
            }
        }
        assertTrue(totalAcked > 0, "no write was ever acknowledged: the test tested nothing");
    }

    private enum Fate { DROP, ZERO, GARBLE }

    private long round(int round, Fate fate, Random random) throws Exception {
        FaultyFs fs = new FaultyFs();
        fs.noopForce = true;
        // An fsync takes time, so that appends land while it runs.
        fs.forceHook = n -> GroupCommitTest.sleep(1);
        Path file = dir.resolve("lost-" + round + ".wal");
        Wal wal = fs.provider().create(file, WalOptions.defaults());
        FaultyFs.Channel channel = fs.channel(file);
        AtomicLongArray acked = new AtomicLongArray(THREADS);
        for (int t = 0; t < THREADS; t++) {
            acked.set(t, -1);
        }
        AtomicInteger appends = new AtomicInteger();
        int crashAfter = 20 + random.nextInt(400);
        int syncEvery = 1 + random.nextInt(4);
        Thread crasher = new Thread(() -> {
            while (appends.get() < crashAfter) {
                Thread.onSpinWait();
            }
            fs.crash();
        });
        crasher.start();
        GroupCommitTest.runThreads(THREADS, t -> {
            try {
                for (long n = 0; ; n++) {
                    long end = Workload.append(wal, t, n);
                    appends.incrementAndGet();
                    if (n % syncEvery == 0) {
                        wal.syncTo(end);
                        if (end > channel.durable()) {
                            throw new AssertionError("write ending at " + end
                                    + " acknowledged but durable only to " + channel.durable());
                        }
                        acked.set(t, n);
                    }
                }
            } catch (IOException expected) {
                // The power went out.
            }
        });
        crasher.join();
        long durable = channel.durable();
        try {
            wal.close();
        } catch (IOException expected) {
            // A dead log cannot close cleanly; closing still releases the file.
        }

        long size = Files.size(file);
        long cut = durable + (long) (random.nextDouble() * (size - durable + 1));
        damage(file, Math.min(cut, size), size, fate, random);

        Logs.Recovered r = Logs.recover(FaultyFs.fast().provider(), file,
                RecoveryMode.TOLERATE_TORN_TAIL, false);
        long[] ackedCopy = new long[THREADS];
        long count = 0;
        for (int t = 0; t < THREADS; t++) {
            ackedCopy[t] = acked.get(t);
            count += ackedCopy[t] + 1;
        }
        Workload.check(r.ok(), ackedCopy);
        return count;
    }

    /** Applies {@code fate} to the bytes {@code [cut, size)} of {@code file}. */
    private static void damage(Path file, long cut, long size, Fate fate, Random random)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (fate == Fate.DROP) {
                ch.truncate(cut);
                return;
            }
            byte[] junk = new byte[(int) (size - cut)];
            if (fate == Fate.GARBLE) {
                random.nextBytes(junk);
            }
            ByteBuffer buf = ByteBuffer.wrap(junk);
            while (buf.hasRemaining()) {
                ch.write(buf, cut + buf.position());
            }
        }
    }
}
