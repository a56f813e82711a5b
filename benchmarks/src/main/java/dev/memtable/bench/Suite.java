package dev.memtable.bench;

import dev.memtable.MemTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs a named set of benchmarks with every contender on the class path, in one JMH session per
 * thread count, then writes one combined JSON result, the Markdown summary and the chart.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.memtable.bench.Suite quick|full|tables|wal \
 *     [--out DIR] [--prof gc] [--entries N] [--smoke]
 * </pre>
 *
 * <ul>
 *   <li>{@code quick}: random puts (1 and 2 threads), hit gets and 100-entry scans (1 thread),
 *       100-byte values, every table contender, short iterations: under two minutes on two
 *       cores;</li>
 *   <li>{@code full}: the {@code tables} set, then the log benchmarks;</li>
 *   <li>{@code tables}: every table workload at 1 and 2 threads with 100-byte values (random and
 *       sequential put, get hit and miss, the 90/10 mix, scans of 100 and 10,000), and random
 *       put and get hit with 1-KiB values; 2 warm-up and 3 measured iterations (about 25
 *       minutes on two cores);</li>
 *   <li>{@code wal}: the log benchmarks only. They need the write-ahead log implementation; without
 *       it {@code wal} stops at once with the discovery message, and {@code full} runs only their
 *       raw baselines and says so.</li>
 * </ul>
 * {@code --entries N} replaces the 1,000,000 entries of every table and log (for smoke tests;
 * published numbers use the default). The quick set uses {@value #QUICK_ENTRIES} unless told. {@code --prof gc} adds JMH's allocation profiler.
 * {@code --smoke} runs each benchmark once, briefly, to check that the whole set works (its
 * numbers mean nothing).
 * Backends come from {@link MemTables#providers()}: one the default {@code @Param} lists but that
 * is not on the class path is skipped with a message; one on the class path that it does not
 * list is added.
 */
public final class Suite {

    /** Entries per table and log in the quick set. */
    static final String QUICK_ENTRIES = "500000";

    private Suite() {
    }

    /** One JMH session: a benchmark pattern, a thread count, parameters and iteration times. */
    private record Session(String include, int methods, int threads,
                           Map<String, List<String>> params, Optional<Timing> timing) {

        /** How many results the session should produce: methods × parameter combinations. */
        int expectedResults() {
            return methods * params.values().stream().mapToInt(List::size)
                    .reduce(1, (a, b) -> a * b);
        }

        Session withParam(String name, String value) {
            Map<String, List<String>> p = new LinkedHashMap<>(params);
            p.put(name, List.of(value));
            return new Session(include, methods, threads, p, timing);
        }

        Session withTiming(Timing t) {
            return new Session(include, methods, threads, params, Optional.of(t));
        }
    }

    /** Iteration counts and times that override the benchmark's annotations. */
    private record Timing(int warmups, int measurements, TimeValue time) {
    }

    /**
     * Runs the suite; see the class comment for the arguments.
     *
     * @param args the set's name, then options
     * @throws Exception if JMH cannot run or the outputs cannot be written
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        String set = args[0];
        Path out = Path.of("benchmarks", "target", "bench-" + set);
        boolean gcProfile = false;
        String entries = null;
        boolean smoke = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i));
                case "--entries" -> entries = value(args, ++i);
                case "--smoke" -> smoke = true;
                case "--prof" -> {
                    if (!"gc".equals(value(args, ++i))) {
                        usage();
                    }
                    gcProfile = true;
                }
                default -> usage();
            }
        }

        List<String> backends = backends();
        List<String> tables = new ArrayList<>(backends);
        tables.add(Contenders.CSLM);
        tables.add(Contenders.ROCKSDB);
        Optional<String> walMissing = walMissing();

        List<Session> sessions = switch (set) {
            case "quick" -> quick(tables);
            case "full" -> {
                List<Session> all = new ArrayList<>(full(tables));
                all.addAll(wal(backends, walMissing));
                yield all;
            }
            case "tables" -> full(tables);
            case "wal" -> {
                if (walMissing.isPresent()) {
                    System.err.println("The log benchmarks cannot run: " + walMissing.get());
                    System.exit(1);
                }
                yield wal(backends, walMissing);
            }
            default -> {
                usage();
                yield List.of();
            }
        };

        if (entries == null && set.equals("quick")) {
            // The quick set's tables hold half a million entries, so that it stays under two
            // minutes on two cores; the full set uses the million of the published numbers.
            entries = QUICK_ENTRIES;
        }
        if (entries != null) {
            String n = entries;
            sessions = sessions.stream().map(s -> s.withParam("entries", n)).toList();
        }
        if (smoke) {
            Timing once = new Timing(0, 1, TimeValue.milliseconds(200));
            sessions = sessions.stream().map(s -> s.withTiming(once)).toList();
        }
        Files.createDirectories(out);
        Instant start = Instant.now();
        List<RunResult> results = new ArrayList<>();
        int failed = 0;
        for (Session s : sessions) {
            Collection<RunResult> got = run(s, gcProfile);
            failed += Math.max(0, s.expectedResults() - got.size());
            results.addAll(got);
        }
        Path json = out.resolve("results.json");
        ResultFormatFactory.getInstance(ResultFormatType.JSON, json.toString()).writeOut(results);

        String subtitle = set + " run, " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ", " + start.truncatedTo(ChronoUnit.SECONDS);
        System.out.println();
        System.out.println("## Summary (" + subtitle + ")");
        System.out.println();
        walMissing.filter(m -> set.equals("full")).ifPresent(m -> System.out.println(
                "Log benchmarks ran with their raw baselines only: " + m + "\n"));
        Report.run(json, out.resolve("summary.md"), out.resolve("chart.png"), subtitle);
        System.out.println("JSON: " + json + "; wall time "
                + start.until(Instant.now(), ChronoUnit.SECONDS) + " s");
        if (failed > 0) {
            System.out.println(failed + " benchmark(s) failed: see the JMH output above.");
            System.exit(1);
        }
    }

    private static void usage() {
        System.err.println("usage: Suite quick|full|tables|wal [--out DIR] [--prof gc] [--entries N]"
                + " [--smoke]");
        System.exit(2);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println(args[i - 1] + " needs a value");
            usage();
        }
        return args[i];
    }

    /** The backends on the class path; prints the known ones that are not. */
    private static List<String> backends() {
        List<String> present = Contenders.availableBackends();
        for (String known : Contenders.KNOWN_BACKENDS) {
            if (!present.contains(known)) {
                System.out.println("Backend '" + known + "' is not on the class path: skipped."
                        + " (Add its artifact to benchmarks/pom.xml to include it.)");
            }
        }
        System.out.println("Backends: " + present);
        return present;
    }

    /** The discovery message if there is no write-ahead log implementation. */
    private static Optional<String> walMissing() {
        try {
            MemTables.walProvider();
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static List<Session> quick(List<String> tables) {
        // One measured fill (a 1M-entry fill outlasts JIT warm-up by far) and, for the
        // throughput benchmarks, one warm-up second: enough to print the table, not to trust it.
        Timing ss = new Timing(0, 1, null);
        Timing short1s = new Timing(1, 1, TimeValue.seconds(1));
        Map<String, List<String>> p = params("contender", tables, "valueSize", List.of("100"));
        List<Session> s = new ArrayList<>();
        s.add(new Session(method("PutBenchmark", "randomPut"), 1, 1, p, Optional.of(ss)));
        s.add(new Session(method("PutBenchmark", "randomPut"), 1, 2, p, Optional.of(ss)));
        s.add(new Session(method("ReadBenchmark", "getHit"), 1, 1, p, Optional.of(short1s)));
        Map<String, List<String>> scan = new LinkedHashMap<>(p);
        scan.put("scanLength", List.of("100"));
        s.add(new Session(method("ScanBenchmark", "scan"), 1, 1, scan, Optional.of(short1s)));
        return s;
    }

    private static List<Session> full(List<String> tables) {
        // Two warm-up and three measured iterations: a 1M-entry fill outlasts JIT warm-up by far,
        // and this keeps every table workload of every contender at both thread counts within
        // about 25 minutes on two cores.
        Optional<Timing> timing = Optional.of(new Timing(2, 3, null));
        Map<String, List<String>> small = params("contender", tables, "valueSize", List.of("100"));
        Map<String, List<String>> both = params("contender", tables, "valueSize",
                List.of("100", "1024"));
        Map<String, List<String>> scan = new LinkedHashMap<>(small);
        scan.put("scanLength", List.of("100", "10000"));
        List<Session> s = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            s.add(new Session(method("PutBenchmark", "randomPut"), 1, threads, both, timing));
            s.add(new Session(method("PutBenchmark", "sequentialPut"), 1, threads, small, timing));
            s.add(new Session(method("ReadBenchmark", "getHit"), 1, threads, both, timing));
            s.add(new Session(method("ReadBenchmark", "getMiss"), 1, threads, small, timing));
            s.add(new Session(method("ReadBenchmark", "mixed"), 1, threads, small, timing));
            s.add(new Session(clazz("ScanBenchmark"), 1, threads, scan, timing));
        }
        return s;
    }

    private static List<Session> wal(List<String> backends, Optional<String> walMissing) {
        List<String> logs = new ArrayList<>(List.of(Contenders.RAW_FILE));
        if (walMissing.isEmpty()) {
            logs.add(Contenders.WAL);
            logs.addAll(backends);
        }
        List<Session> s = new ArrayList<>();
        List<String> appenders = new ArrayList<>(logs);
        if (walMissing.isEmpty()) {
            appenders.add(Contenders.WAL + LogWriter.BUFFERED_SUFFIX);
            for (String b : backends) {
                appenders.add(b + LogWriter.BUFFERED_SUFFIX);
            }
        }
        s.add(new Session(clazz("WalAppendBenchmark"), 1, 1,
                params("contender", appenders, "valueSize", List.of("100", "1024")),
                Optional.empty()));
        List<String> recovery = new ArrayList<>(logs);
        for (String b : backends) {
            recovery.add(b + WalRecoveryBenchmark.INSERT_SUFFIX);
        }
        s.add(new Session(clazz("WalRecoveryBenchmark"), 1, 1,
                params("contender", recovery, "valueSize", List.of("100")), Optional.empty()));
        s.add(new Session(clazz("WalSyncBenchmark"), 1, 1,
                params("contender", List.of(Contenders.RAW_FILE), "valueSize", List.of("100")),
                Optional.empty()));
        if (walMissing.isEmpty()) {
            List<String> synced = List.of(Contenders.WAL, Summary.SKIPLIST, Contenders.ROCKSDB);
            for (int threads : new int[] {1, 4, 16, 64}) {
                s.add(new Session(clazz("WalSyncBenchmark"), 1, threads,
                        params("contender", synced, "valueSize", List.of("100")),
                        Optional.empty()));
            }
        } else {
            // RocksDB's synced rate does not need our log: keep it as a reference.
            for (int threads : new int[] {1, 4, 16, 64}) {
                s.add(new Session(clazz("WalSyncBenchmark"), 1, threads,
                        params("contender", List.of(Contenders.ROCKSDB), "valueSize",
                                List.of("100")), Optional.empty()));
            }
        }
        return s;
    }

    private static Map<String, List<String>> params(String k1, List<String> v1, String k2,
                                                    List<String> v2) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put(k1, List.copyOf(v1));
        m.put(k2, List.copyOf(v2));
        return m;
    }

    private static String clazz(String simpleName) {
        return "^" + Suite.class.getPackageName().replace(".", "\\.") + "\\." + simpleName
                + "\\.";
    }

    private static String method(String simpleName, String method) {
        return clazz(simpleName) + method + "$";
    }

    private static Collection<RunResult> run(Session s, boolean gcProfile) {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(s.include())
                .threads(s.threads())
                .shouldFailOnError(false);
        s.params().forEach((k, v) -> o.param(k, v.toArray(String[]::new)));
        s.timing().ifPresent(t -> {
            o.warmupIterations(t.warmups()).measurementIterations(t.measurements());
            if (t.time() != null) {
                o.warmupTime(t.time()).measurementTime(t.time());
            }
        });
        if (gcProfile) {
            o.addProfiler(GCProfiler.class);
        }
        System.out.println("\n== " + s.include() + " threads=" + s.threads() + " " + s.params());
        try {
            return new Runner(o.build()).run();
        } catch (RunnerException e) {
            System.out.println("JMH failed: " + e.getMessage());
            return List.of();
        }
    }
}
