package dev.memtable.wal;

import dev.memtable.SyncPolicy;
import dev.memtable.WalOptions;
import dev.memtable.spi.Wal;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The process that {@link CrashTest} kills: creates a log with a {@link SyncPolicy} and runs
 * {@code threads} writers that each append their {@link Workload} writes (each at its log
 * sequence) and print an acknowledgement line naming a write and its sequence once the policy
 * promises that the write survives a crash of this process:
 * <ul>
 *   <li>{@code EXPLICIT}: right after {@code append} returns (the record is in the operating
 *       system's cache); every eighth write also syncs, so fsyncs run during the kill too;</li>
 *   <li>{@code EVERY_WRITE}: after {@code syncTo} of the write's own end returns;</li>
 *   <li>{@code BUFFERED}: only after a {@code sync()} that started after the append returned;
 *       every eighth write syncs, and then acknowledges that write (so every earlier write of
 *       the thread too). Writes appended after a thread's last sync are unacknowledged: they may
 *       or may not survive, but what survives must still be a prefix.</li>
 * </ul>
 * It runs until it is killed.
 *
 * <p>Usage: {@code CrashChild <log file> <threads> <policy>}. Exits with status 2 if anything
 * fails.
 */
public final class CrashChild {

    private CrashChild() {
    }

    /** Entry point; see the class description. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        SyncPolicy policy = SyncPolicy.valueOf(args[2]);
        PrintStream out = System.out;
        Wal wal = new FileWalProvider().create(file,
                WalOptions.defaults().withSyncPolicy(policy));
        synchronized (out) {
            out.println("ready");
            out.flush();
        }
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread writer = new Thread(() -> {
                try {
                    for (long n = 0; ; n++) {
                        long end = Workload.append(wal, thread, n);
                        boolean every8th = n % 8 == 7;
                        switch (policy) {
                            case EXPLICIT -> {
                                if (every8th) {
                                    wal.syncTo(end);
                                }
                            }
                            case EVERY_WRITE -> wal.syncTo(end);
                            case BUFFERED -> {
                                if (!every8th) {
                                    continue;
                                }
                                wal.sync();
                            }
                            default -> throw new IllegalStateException("policy " + policy);
                        }
                        synchronized (out) {
                            out.println(Workload.ackLine(thread, n));
                            out.flush();
                        }
                    }
                } catch (Throwable e) {
                    e.printStackTrace();
                    System.exit(2);
                }
            }, "writer-" + t);
            writer.start();
        }
    }
}
