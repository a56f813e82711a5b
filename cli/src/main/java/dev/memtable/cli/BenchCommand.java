package dev.memtable.cli;

import dev.memtable.MemTable;
import dev.memtable.MemTables;
import dev.memtable.spi.MemTableProvider;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code memtable bench}: the standard workload against every backend, as a table or JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Runs a short standard workload against every backend found through"
                + " ServiceLoader and prints puts/s, gets/s, scanned entries/s, heap bytes per"
                + " entry, synced WAL writes/s and WAL recovery time.",
                "Quick indications, not a benchmark: see BENCHMARKS.md for the JMH suite."})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--entries"}, defaultValue = "200000",
            description = "Entries per backend (default: ${DEFAULT-VALUE}).")
    int entries;

    @Option(names = "--key-size", defaultValue = "16",
            description = "Key bytes, 4..65535 (default: ${DEFAULT-VALUE}).")
    int keySize;

    @Option(names = "--value-size", defaultValue = "100",
            description = "Value bytes, 1..16777216 (default: ${DEFAULT-VALUE}).")
    int valueSize;

    @Option(names = {"-t", "--threads"}, defaultValue = "1",
            description = "Threads for puts and gets (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--wal-threads", defaultValue = "8",
            description = "Threads each waiting for its own synced write (default: ${DEFAULT-VALUE}).")
    int walThreads;

    @Option(names = "--wal-writes", defaultValue = "2000",
            description = "Synced writes in all (default: ${DEFAULT-VALUE}).")
    int walWrites;

    @Option(names = {"-b", "--backends"}, split = ",", paramLabel = "NAME",
            description = "Backends to run, comma-separated (default: all found).")
    List<String> backends;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Directory for the WAL files of the run (default: a temporary one).")
    Path dir;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--no-progress", description = "Do not draw the progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        check(entries >= 1, "--entries must be at least 1, not " + entries);
        check(keySize >= 4 && keySize <= MemTable.MAX_KEY_LENGTH,
                "--key-size must be 4.." + MemTable.MAX_KEY_LENGTH + ", not " + keySize);
        check(valueSize >= 1 && valueSize <= MemTable.MAX_VALUE_LENGTH,
                "--value-size must be 1.." + MemTable.MAX_VALUE_LENGTH + ", not " + valueSize);
        check(threads >= 1 && threads <= 1024, "--threads must be 1..1024, not " + threads);
        check(walThreads >= 1 && walThreads <= 1024,
                "--wal-threads must be 1..1024, not " + walThreads);
        check(walWrites >= walThreads, "--wal-writes must be at least --wal-threads ("
                + walThreads + "), not " + walWrites);
        List<MemTableProvider> chosen = choose();

        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean ownDir = dir == null;
        Path scratch = ownDir ? Files.createTempDirectory("memtable-bench") : dir;
        if (!ownDir && !Files.isDirectory(dir)) {
            throw new UsageException("--dir " + dir + " is not a directory");
        }
        BenchRunner runner = new BenchRunner(new BenchRunner.Settings(entries, keySize, valueSize,
                threads, walWrites, walThreads), scratch);
        Progress progress = new Progress(err, !noProgress && System.console() != null,
                (long) chosen.size() * BenchRunner.PHASES.length * 1000);
        List<BenchRunner.Result> results = new ArrayList<>();
        try {
            for (int b = 0; b < chosen.size(); b++) {
                MemTableProvider p = chosen.get(b);
                long base = (long) b * BenchRunner.PHASES.length * 1000;
                results.add(runner.run(p, (phase, perMille) -> {
                    progress.label(p.name() + ": " + BenchRunner.PHASES[phase]);
                    progress.update(base + phase * 1000L + perMille);
                }));
            }
        } finally {
            progress.finish();
            if (ownDir) {
                BenchRunner.deleteTree(scratch);
            }
        }
        out.print(json ? json(results) : table(results));
        out.flush();
        return Main.OK;
    }

    private List<MemTableProvider> choose() {
        if (backends == null || backends.isEmpty()) {
            return MemTables.providers();
        }
        List<MemTableProvider> chosen = new ArrayList<>();
        for (String name : backends) {
            try {
                chosen.add(MemTables.provider(name.trim()));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        return chosen;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new UsageException(message);
        }
    }

    private String header() {
        return String.format(Locale.ROOT, "%,d entries of %d-byte keys and %d-byte values, %d"
                        + " thread(s); WAL: %,d synced writes from %d threads%n",
                entries, keySize, valueSize, threads, walWrites, walThreads);
    }

    String table(List<BenchRunner.Result> results) {
        String[] head = {"backend", "puts/s", "gets/s", "scanned/s", "heap B/entry",
                "WAL synced writes/s", "recovery"};
        List<String[]> rows = new ArrayList<>();
        for (BenchRunner.Result r : results) {
            rows.add(new String[] {r.backend(), count(r.putsPerSecond()), count(r.getsPerSecond()),
                    count(r.scannedPerSecond()),
                    String.format(Locale.ROOT, "%.0f (payload %.0f)", r.heapBytesPerEntry(),
                            r.payloadBytesPerEntry()),
                    count(r.walSyncedWritesPerSecond()),
                    String.format(Locale.ROOT, "%.0f ms (%.0f MB/s)", r.recoveryMillis(),
                            r.recoveryMbPerSecond())});
        }
        int[] width = new int[head.length];
        for (int c = 0; c < head.length; c++) {
            width[c] = head[c].length();
            for (String[] row : rows) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder(header()).append('\n');
        appendRow(sb, head, width);
        String[] rule = new String[head.length];
        for (int c = 0; c < head.length; c++) {
            rule[c] = "-".repeat(width[c]);
        }
        appendRow(sb, rule, width);
        for (String[] row : rows) {
            appendRow(sb, row, width);
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, String[] cells, int[] width) {
        for (int c = 0; c < cells.length; c++) {
            String cell = cells[c];
            String pad = " ".repeat(width[c] - cell.length());
            sb.append(c == 0 ? cell + pad : pad + cell);
            sb.append(c == cells.length - 1 ? "\n" : "  ");
        }
    }

    private static String count(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    String json(List<BenchRunner.Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "{\"entries\":%d,\"keySize\":%d,\"valueSize\":%d,"
                        + "\"threads\":%d,\"walWrites\":%d,\"walThreads\":%d,\"results\":[",
                entries, keySize, valueSize, threads, walWrites, walThreads));
        for (int i = 0; i < results.size(); i++) {
            BenchRunner.Result r = results.get(i);
            sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"backend\":\"%s\",\"putsPerSecond\":%.1f,\"getsPerSecond\":%.1f,"
                            + "\"scannedPerSecond\":%.1f,\"heapBytesPerEntry\":%.1f,"
                            + "\"payloadBytesPerEntry\":%.1f,\"walSyncedWritesPerSecond\":%.1f,"
                            + "\"recoveryMillis\":%.1f,\"recoveryMbPerSecond\":%.1f}",
                    r.backend().replace("\\", "\\\\").replace("\"", "\\\""), r.putsPerSecond(),
                    r.getsPerSecond(), r.scannedPerSecond(), r.heapBytesPerEntry(),
                    r.payloadBytesPerEntry(), r.walSyncedWritesPerSecond(), r.recoveryMillis(),
                    r.recoveryMbPerSecond()));
        }
        return sb.append("]}\n").toString();
    }
}
