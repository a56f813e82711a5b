package dev.memtable.store;

import dev.memtable.Bytes;
import dev.memtable.WriteBatch;
import dev.memtable.set.WriteStallException;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The process that {@link StoreCrashTest} kills (or that halts itself at a crash point named by
 * {@code -Dmemtable.store.crashAt}): opens a {@link Store} with tiny memtables, tiny blocks and a
 * merge at {@value #MAX_RUNS} runs, so that flushes, merges and manifest updates happen many times
 * a second, and runs
 * <ul>
 *   <li>{@code threads} writers, each performing its {@link StoreWorkload} operations in order
 *       through {@code put}, {@code delete} or {@code write(WriteBatch)} and printing
 *       {@code ack <writer> <op>} to the ack file once the call returns (under {@code EXPLICIT}, the default, a
 *       returned write survives kill -9); a write refused by a stall is retried;</li>
 *   <li>one maintenance thread that now and then calls {@code flush()} or {@code compact()} and
 *       reads a stable acknowledged key of each writer through a {@code snapshot()} and
 *       {@code get}, halting with status 3 if either is wrong.</li>
 * </ul>
 * It prints {@code ready} once the store is open and runs until killed. Any exception halts it
 * with status 2 (after printing it to stderr), so the test sees an unexpected death.
 *
 * <p>Usage: {@code StoreCrashChild <directory> <backend> <threads> <ack file>}: the
 * acknowledgements go to the file, one {@code write} call each (through a pipe, a test saw rare
 * rounds whose last acknowledgements never arrived; a file keeps them whatever kills the
 * process), {@code ready} to stdout.
 */
public final class StoreCrashChild {

    /** Memtables freeze at this size: a flush every few hundred writes. */
    static final long FREEZE_AT_BYTES = 32 << 10;
    /** A flush leaving this many runs merges them all. */
    static final int MAX_RUNS = 3;

    private StoreCrashChild() {
    }

    static StoreOptions options(String backend) {
        return StoreOptions.defaults()
                .withBackend(backend)
                .withFreezeAtBytes(FREEZE_AT_BYTES)
                .withMaxRuns(MAX_RUNS)
                .withBlockSize(512)
                .withBlockCacheBytes(256 << 10);
    }

    /** Entry point; see the class description. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String backend = args[1];
        int threads = Integer.parseInt(args[2]);
        // Acks go to a file, each line one write(2) before the next operation starts, so the
        // kernel holds every one of them when the process dies; only "ready" uses stdout.
        PrintStream out = new PrintStream(new FileOutputStream(args[3]), false,
                StandardCharsets.US_ASCII);
        Store store = Store.open(dir, options(backend));
        AtomicLongArray acked = new AtomicLongArray(threads);
        for (int t = 0; t < threads; t++) {
            acked.set(t, -1);
        }
        System.out.println("ready");
        System.out.flush();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            start("writer-" + t, () -> {
                for (long n = 0; ; n++) {
                    write(store, StoreWorkload.operation(thread, n));
                    acked.set(thread, n);
                    synchronized (out) {
                        out.println(StoreWorkload.ackLine(thread, n));
                        out.flush();
                    }
                }
            });
        }
        start("maintenance", () -> {
            Random random = new Random(threads);
            for (long i = 1; ; i++) {
                Thread.sleep(5 + random.nextInt(25));   // pacing, not synchronisation
                checkStableKeys(store, acked);
                if (i % 4 == 0) {
                    store.flush();
                } else if (i % 7 == 0) {
                    store.compact();
                }
            }
        });
    }

    private static void write(Store store, WriteBatch batch) {
        while (true) {
            try {
                if (batch.size() > 1) {
                    store.write(batch);
                } else if (batch.entries().get(0).isDelete()) {
                    store.delete(batch.entries().get(0).key());
                } else {
                    store.put(batch.entries().get(0).key(), batch.entries().get(0).value());
                }
                return;
            } catch (WriteStallException e) {
                // Not applied (see its documentation): the flush is behind; try again.
            }
        }
    }

    /** Each writer's newest acknowledged never-rewritten key, through a snapshot and through get. */
    private static void checkStableKeys(Store store, AtomicLongArray acked) {
        long[] seen = new long[acked.length()];
        for (int t = 0; t < seen.length; t++) {
            seen[t] = acked.get(t);
        }
        try (Snapshot snapshot = store.snapshot()) {
            for (int t = 0; t < seen.length; t++) {
                long n = seen[t];
                while (n >= 0 && !StoreWorkload.stableKey(n)) {
                    n--;
                }
                if (n < 0) {
                    continue;
                }
                Bytes key = StoreWorkload.key(t, n, 0);
                Optional<Bytes> expected = Optional.of(StoreWorkload.value(t, n, 0));
                Optional<Bytes> viaSnapshot = snapshot.get(key);
                Optional<Bytes> viaGet = store.get(key);
                if (!expected.equals(viaSnapshot) || !expected.equals(viaGet)) {
                    System.err.println("acknowledged " + key + " read back wrong: snapshot at "
                            + snapshot.sequence() + " gives " + viaSnapshot + ", get gives "
                            + viaGet + ", expected " + expected);
                    System.err.flush();
                    Runtime.getRuntime().halt(3);
                }
            }
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void start(String name, Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                e.printStackTrace();
                System.err.flush();
                Runtime.getRuntime().halt(2);
            }
        }, name);
        thread.start();
    }
}
