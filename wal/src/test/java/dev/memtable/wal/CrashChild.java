package dev.memtable.wal;

import dev.memtable.WalOptions;
import dev.memtable.spi.Wal;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The process that {@link CrashTest} kills: creates a log and runs {@code threads} writers that
 * each append their {@link Workload} writes (each at its log sequence), wait for durability with
 * {@code syncTo}, and only then print an acknowledgement line naming the write and its sequence.
 * It runs until it is killed.
 *
 * <p>Usage: {@code CrashChild <log file> <threads>}. Exits with status 2 if anything fails.
 */
public final class CrashChild {

    private CrashChild() {
    }

    /** Entry point; see the class description. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        PrintStream out = System.out;
        Wal wal = new FileWalProvider().create(file, WalOptions.defaults());
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
                        wal.syncTo(end);
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
