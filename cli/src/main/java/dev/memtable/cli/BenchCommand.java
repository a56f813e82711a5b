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
        description = {"Runs the standard workload against every backend found through"
                + " ServiceLoader, each in its own JVM, and prints random puts/s, random gets/s,"
                + " 100-entry scans/s, heap bytes per entry, synced WAL writes/s and WAL"
                + " recovery time.",
                "Same data and method as the JMH suite (BENCHMARKS.md), with fewer rounds."})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--entries"}, defaultValue = "1000000",
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

    @Option(names = "--warmups", defaultValue = "1",
            description = "Warm-up fills and read rounds before the measured ones"
                    + " (default: ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = {"-i", "--iterations"}, defaultValue = "3",
            description = "Measured fills and read rounds (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--seconds", defaultValue = "1",
            description = "Length of one get or scan round in seconds (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--jvm-args", paramLabel = "OPTIONS", defaultValue = DEFAULT_JVM_ARGS,
            description = "Options of the JVM each backend runs in, as the JMH suite's forks"
                    + " (default: ${DEFAULT-VALUE}).")
    String jvmArgs;

    /** Set in the JVM that {@link #call()} starts for one backend: run it here and report. */
    @Option(names = "--child", hidden = true)
    boolean child;

    /** The JMH suite's fork options (benchmarks/), so both measure in the same kind of JVM. */
    static final String DEFAULT_JVM_ARGS = "-Xms4g -Xmx4g -XX:+UseG1GC";

    private static final String PROGRESS = "progress ";
    private static final String RESULT = "result ";

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
        check(warmups >= 0 && warmups <= 100, "--warmups must be 0..100, not " + warmups);
        check(iterations >= 1 && iterations <= 100,
                "--iterations must be 1..100, not " + iterations);
        check(seconds >= 0.01 && seconds <= 3600,
                "--seconds must be 0.01..3600, not " + seconds);
        List<MemTableProvider> chosen = choose();
        if (!dirOk()) {
            throw new UsageException("--dir " + dir + " is not a directory");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (child) {
            return runChild(chosen, out);
        }

        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err, !noProgress && System.console() != null,
                (long) chosen.size() * BenchRunner.PHASES.length * 1000);
        List<BenchRunner.Result> results = new ArrayList<>();
        try {
            for (int b = 0; b < chosen.size(); b++) {
                results.add(inChild(chosen.get(b).name(), progress,
                        (long) b * BenchRunner.PHASES.length * 1000));
            }
        } finally {
            progress.finish();
        }
        out.print(json ? json(results) : table(results));
        out.flush();
        return Main.OK;
    }

    private boolean dirOk() {
        return dir == null || Files.isDirectory(dir);
    }

    /** In the backend's own JVM: runs the workload and prints progress and result lines. */
    private int runChild(List<MemTableProvider> chosen, PrintWriter out) throws Exception {
        if (chosen.size() != 1) {
            throw new UsageException("--child runs exactly one backend, not " + chosen.size());
        }
        boolean ownDir = dir == null;
        Path scratch = ownDir ? Files.createTempDirectory("memtable-bench") : dir;
        try {
            BenchRunner runner = new BenchRunner(settings(), scratch);
            BenchRunner.Result r = runner.run(chosen.get(0), (phase, perMille) -> {
                out.println(PROGRESS + phase + " " + perMille);
                out.flush();
            });
            out.println(RESULT + String.join(" ", r.backend(), hex(r.putsPerSecond()),
                    hex(r.getsPerSecond()), hex(r.scansPerSecond()), hex(r.heapBytesPerEntry()),
                    hex(r.payloadBytesPerEntry()), hex(r.walSyncedWritesPerSecond()),
                    hex(r.recoveryMillis()), hex(r.recoveryMbPerSecond())));
            out.flush();
            return Main.OK;
        } finally {
            if (ownDir) {
                BenchRunner.deleteTree(scratch);
            }
        }
    }

    private BenchRunner.Settings settings() {
        return new BenchRunner.Settings(entries, keySize, valueSize, threads, walWrites,
                walThreads, warmups, iterations, seconds);
    }

    /** Runs one backend in a new JVM with {@code --jvm-args}; returns what it reported. */
    private BenchRunner.Result inChild(String backend, Progress progress, long base)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("bench", "--child", "--no-progress",
                "--backends", backend, "-n", Integer.toString(entries),
                "--key-size", Integer.toString(keySize),
                "--value-size", Integer.toString(valueSize),
                "-t", Integer.toString(threads),
                "--wal-threads", Integer.toString(walThreads),
                "--wal-writes", Integer.toString(walWrites),
                "--warmups", Integer.toString(warmups),
                "--iterations", Integer.toString(iterations),
                "--seconds", Double.toString(seconds)));
        if (dir != null) {
            args.add("--dir");
            args.add(dir.toString());
        }
        List<String> command = ChildJvm.command(ChildJvm.options(jvmArgs), Main.class, args);
        List<String> output = new ArrayList<>();
        BenchRunner.Result[] result = new BenchRunner.Result[1];
        int exit = ChildJvm.run(command, line -> {
            if (line.startsWith(PROGRESS)) {
                String[] f = line.substring(PROGRESS.length()).split(" ");
                int phase = Integer.parseInt(f[0]);
                progress.label(backend + ": " + BenchRunner.PHASES[phase]);
                progress.update(base + phase * 1000L + Long.parseLong(f[1]));
            } else if (line.startsWith(RESULT)) {
                result[0] = parse(line.substring(RESULT.length()));
            } else {
                output.add(line);
            }
        });
        if (exit != 0 || result[0] == null) {
            throw new IllegalStateException("the " + backend + " run failed in its JVM (exit "
                    + exit + "; " + String.join(" ", ChildJvm.options(jvmArgs)) + "):\n"
                    + String.join("\n", output));
        }
        return result[0];
    }

    /** Doubles travel as {@link Double#toHexString} so that nothing is lost or localised. */
    private static String hex(double d) {
        return Double.toHexString(d);
    }

    private static BenchRunner.Result parse(String line) {
        String[] f = line.split(" ");
        double[] d = new double[f.length - 1];
        for (int i = 1; i < f.length; i++) {
            d[i - 1] = Double.parseDouble(f[i]);
        }
        return new BenchRunner.Result(f[0], d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
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
        return String.format(Locale.ROOT, "%,d entries of %d-byte random keys and %d-byte values,"
                        + " %d thread(s); WAL: %,d synced writes from %d threads%n"
                        + "each backend in its own JVM (%s): %d warm-up + %d measured fills;"
                        + " gets and 100-entry scans at random keys, %d + %d rounds of %s s%n",
                entries, keySize, valueSize, threads, walWrites, walThreads,
                String.join(" ", ChildJvm.options(jvmArgs)), warmups, iterations, warmups,
                iterations, seconds(seconds));
    }

    String table(List<BenchRunner.Result> results) {
        String[] head = {"backend", "puts/s", "gets/s", "scans/s", "heap B/entry",
                "WAL synced writes/s", "recovery"};
        List<String[]> rows = new ArrayList<>();
        for (BenchRunner.Result r : results) {
            rows.add(new String[] {r.backend(), count(r.putsPerSecond()), count(r.getsPerSecond()),
                    count(r.scansPerSecond()),
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

    private static String seconds(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }

    private static String count(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    private static String jsonString(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    String json(List<BenchRunner.Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "{\"entries\":%d,\"keySize\":%d,\"valueSize\":%d,"
                        + "\"threads\":%d,\"walWrites\":%d,\"walThreads\":%d,\"warmups\":%d,"
                        + "\"iterations\":%d,\"seconds\":%s,\"jvmArgs\":\"%s\",\"results\":[",
                entries, keySize, valueSize, threads, walWrites, walThreads, warmups, iterations,
                seconds(seconds), jsonString(String.join(" ", ChildJvm.options(jvmArgs)))));
        for (int i = 0; i < results.size(); i++) {
            BenchRunner.Result r = results.get(i);
            sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"backend\":\"%s\",\"putsPerSecond\":%.1f,\"getsPerSecond\":%.1f,"
                            + "\"scansPerSecond\":%.1f,\"heapBytesPerEntry\":%.1f,"
                            + "\"payloadBytesPerEntry\":%.1f,\"walSyncedWritesPerSecond\":%.1f,"
                            + "\"recoveryMillis\":%.1f,\"recoveryMbPerSecond\":%.1f}",
                    jsonString(r.backend()), r.putsPerSecond(),
                    r.getsPerSecond(), r.scansPerSecond(), r.heapBytesPerEntry(),
                    r.payloadBytesPerEntry(), r.walSyncedWritesPerSecond(), r.recoveryMillis(),
                    r.recoveryMbPerSecond()));
        }
        return sb.append("]}\n").toString();
    }
}
