package dev.memtable.bench;

import dev.memtable.bench.Results.Measurement;
import dev.memtable.bench.Results.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders {@link Results} as Markdown: throughput tables per value size and thread count, the
 * log table, the performance targets (the skiplist backend and the log against their
 * baselines, the arena backend against the skiplist backend and RocksDB) with their measured
 * ratios, every backend's ratio to the baselines, and thread scaling. Missing numbers show as "—"; a target whose numbers are
 * missing says so rather than passing.
 */
final class Summary {

    /** The reference backend: measured against the baselines, and the others against it. */
    static final String SKIPLIST = "skiplist";

    /** The arena backend; its targets appear once it is measured. */
    static final String ARENA = "arena";

    /** The treemap backend: the arena's point gets must be at least as fast. */
    static final String TREEMAP = "treemap";

    private final Results results;
    private final StringBuilder out = new StringBuilder();

    private Summary(Results results) {
        this.results = results;
    }

    /** Returns the whole summary as Markdown. */
    static String markdown(Results results) {
        return new Summary(results).render();
    }

    private String render() {
        out.append("JVM: ").append(results.jvm()).append('\n');
        tables();
        walTable();
        targets();
        ratios();
        scaling();
        allocations();
        return out.toString();
    }

    // ------------------------------------------------------------------ throughput

    private void tables() {
        List<Measurement> table = results.measurements().stream()
                .filter(m -> !m.workload().isWal()).toList();
        if (table.isEmpty()) {
            return;
        }
        List<String> contenders = Results.contenders(table);
        for (int valueSize : results.distinct(m -> !m.workload().isWal(), Measurement::valueSize)) {
            for (int threads : results.distinct(m -> !m.workload().isWal()
                    && m.valueSize() == valueSize, Measurement::threads)) {
                out.append("\n### Throughput: ").append(valueSize).append("-byte values, ")
                        .append(threads).append(threads == 1 ? " thread" : " threads")
                        .append(" (higher is better)\n\n");
                header(List.of("workload", "unit"), contenders);
                for (Workload w : results.workloads(x -> !x.isWal())) {
                    List<String> cells = new ArrayList<>();
                    boolean any = false;
                    for (String c : contenders) {
                        Optional<Measurement> m = results.find(w, c, threads, valueSize);
                        any |= m.isPresent();
                        cells.add(m.map(Summary::cell).orElse("—"));
                    }
                    if (any) {
                        row(List.of(w.label(), w.unit()), cells);
                    }
                }
            }
        }
    }

    private void walTable() {
        List<Measurement> wal = results.measurements().stream()
                .filter(m -> m.workload().isWal()).toList();
        if (wal.isEmpty()) {
            return;
        }
        List<String> contenders = Results.contenders(wal);
        out.append("\n### Write-ahead log (higher is better)\n\n");
        header(List.of("workload", "unit", "threads", "value"), contenders);
        for (Workload w : results.workloads(Workload::isWal)) {
            for (int valueSize : results.distinct(m -> m.workload().equals(w),
                    Measurement::valueSize)) {
                for (int threads : results.distinct(m -> m.workload().equals(w)
                        && m.valueSize() == valueSize, Measurement::threads)) {
                    List<String> cells = new ArrayList<>();
                    for (String c : contenders) {
                        cells.add(results.find(w, c, threads, valueSize).map(Summary::cell)
                                .orElse("—"));
                    }
                    row(List.of(w.label(), w.unit(), String.valueOf(threads), valueSize + " B"),
                            cells);
                }
            }
        }
    }

    // ------------------------------------------------------------------ targets

    private void targets() {
        List<List<String>> rows = new ArrayList<>();
        List<Workload> table = List.of(Results.RANDOM_PUT, Results.GET_HIT, Results.GET_MISS,
                Results.scan(100));
        for (int threads : List.of(1, 2)) {
            for (Workload w : table) {
                target(rows, SKIPLIST + " / " + Contenders.CSLM + ", " + w.label() + ", "
                        + threadLabel(threads), 0.90,
                        results.ratio(w, threads, 100, SKIPLIST, Contenders.CSLM));
            }
        }
        if (results.measurements().stream().anyMatch(m -> m.contender().equals(ARENA))) {
            for (int threads : List.of(1, 2)) {
                for (Workload w : List.of(Results.RANDOM_PUT, Results.GET_HIT)) {
                    target(rows, ARENA + " / " + SKIPLIST + ", " + w.label() + ", "
                            + threadLabel(threads), 1.5,
                            results.ratio(w, threads, 100, ARENA, SKIPLIST));
                }
            }
            for (int threads : List.of(1, 2)) {
                for (Workload w : List.of(Results.RANDOM_PUT, Results.GET_HIT)) {
                    target(rows, ARENA + " / " + Contenders.ROCKSDB + ", " + w.label() + ", "
                            + threadLabel(threads), 1.5,
                            results.ratio(w, threads, 100, ARENA, Contenders.ROCKSDB));
                }
            }
            for (int threads : List.of(1, 2)) {
                target(rows, ARENA + " / " + TREEMAP + ", " + Results.GET_HIT.label() + ", "
                        + threadLabel(threads), 1.0,
                        results.ratio(Results.GET_HIT, threads, 100, ARENA, TREEMAP));
            }
        }
        walTargets(rows);
        out.append("\n### Targets (100-byte values)\n\n");
        header(List.of("target", "wanted", "measured", "verdict"), List.of());
        rows.forEach(r -> row(r, List.of()));
    }

    private void walTargets(List<List<String>> rows) {
        target(rows, "wal synced writes, 64 threads / 1 thread", 20,
                threadRatio(Results.WAL_SYNCED, Contenders.WAL, 64, Contenders.WAL, 1));
        target(rows, "wal synced writes, 16 threads / 1 thread", 8,
                threadRatio(Results.WAL_SYNCED, Contenders.WAL, 16, Contenders.WAL, 1));
        target(rows, "wal-buffered / raw-file, unsynced append, 100 B", 0.8,
                results.ratio(Results.WAL_APPEND, 1, 100,
                        Contenders.WAL + LogWriter.BUFFERED_SUFFIX, Contenders.RAW_FILE));
        target(rows, "wal decode / raw-file read, recovery, 100 B", 0.5,
                results.ratio(Results.WAL_RECOVERY, 1, 100, Contenders.WAL,
                        Contenders.RAW_FILE));
        target(rows, SKIPLIST + " replay / " + SKIPLIST + WalRecoveryBenchmark.INSERT_SUFFIX
                        + ", recovery, 100 B", 0.8,
                results.ratio(Results.WAL_RECOVERY, 1, 100, SKIPLIST,
                        SKIPLIST + WalRecoveryBenchmark.INSERT_SUFFIX));
    }

    private static String threadLabel(int threads) {
        return threads + (threads == 1 ? " thread" : " threads");
    }

    private static void target(List<List<String>> rows, String what, double wanted,
                               Optional<Double> measured) {
        rows.add(List.of(what, "≥ " + ratio(wanted),
                measured.map(Summary::ratio).orElse("—"),
                measured.map(r -> r >= wanted ? "met" : "**missed**")
                        .orElse("not measured in this run")));
    }

    private Optional<Double> threadRatio(Workload w, String a, int threadsA, String b,
                                         int threadsB) {
        return threadRatio(w, a, threadsA, b, threadsB, 100);
    }

    private Optional<Double> threadRatio(Workload w, String a, int threadsA, String b,
                                         int threadsB, int valueSize) {
        return results.find(w, a, threadsA, valueSize).flatMap(x ->
                results.find(w, b, threadsB, valueSize).map(y -> x.value() / y.value()));
    }

    // ------------------------------------------------------------------ ratios

    private void ratios() {
        List<Measurement> table = results.measurements().stream()
                .filter(m -> !m.workload().isWal()).toList();
        List<String> backends = Results.contenders(table).stream()
                .filter(c -> !c.equals(Contenders.CSLM) && !c.equals(Contenders.ROCKSDB))
                .toList();
        if (backends.isEmpty()) {
            return;
        }
        List<String[]> pairs = new ArrayList<>();
        for (String b : backends) {
            pairs.add(new String[] {b, Contenders.CSLM});
        }
        for (String b : backends) {
            pairs.add(new String[] {b, Contenders.ROCKSDB});
        }
        if (backends.contains(SKIPLIST)) {
            for (String b : backends) {
                if (!b.equals(SKIPLIST)) {
                    pairs.add(new String[] {b, SKIPLIST});
                }
            }
        }
        out.append("\n### Ratios (same run; above 1 means the first is faster)\n\n");
        header(List.of("workload", "threads", "value"),
                pairs.stream().map(p -> p[0] + " / " + p[1]).toList());
        for (Workload w : results.workloads(x -> !x.isWal())) {
            for (int valueSize : results.distinct(m -> m.workload().equals(w),
                    Measurement::valueSize)) {
                for (int threads : results.distinct(m -> m.workload().equals(w)
                        && m.valueSize() == valueSize, Measurement::threads)) {
                    List<String> cells = new ArrayList<>();
                    for (String[] p : pairs) {
                        cells.add(results.ratio(w, threads, valueSize, p[0], p[1])
                                .map(Summary::ratio).orElse("—"));
                    }
                    row(List.of(w.label(), String.valueOf(threads), valueSize + " B"), cells);
                }
            }
        }
    }

    private void scaling() {
        List<Measurement> table = results.measurements().stream()
                .filter(m -> !m.workload().isWal() && m.threads() == 2).toList();
        if (table.isEmpty()) {
            return;
        }
        List<String> contenders = Results.contenders(table);
        out.append("\n### Thread scaling: 2 threads / 1 thread (2 cores; 2.0 is perfect)\n\n");
        header(List.of("workload", "value"), contenders);
        for (Workload w : results.workloads(x -> !x.isWal())) {
            for (int valueSize : results.distinct(m -> m.workload().equals(w) && m.threads() == 2,
                    Measurement::valueSize)) {
                List<String> cells = new ArrayList<>();
                for (String c : contenders) {
                    cells.add(threadRatio(w, c, 2, c, 1, valueSize).map(Summary::ratio)
                            .orElse("—"));
                }
                row(List.of(w.label(), valueSize + " B"), cells);
            }
        }
    }

    // ------------------------------------------------------------------ allocation

    private void allocations() {
        List<Results.Allocation> all = results.allocations();
        if (all.isEmpty()) {
            return;
        }
        List<String> contenders = all.stream().map(Results.Allocation::contender).distinct()
                .toList();
        out.append("\n### Allocation per operation (JMH `-prof gc`, `gc.alloc.rate.norm`, B/op;"
                + " per put for fills)\n\n");
        header(List.of("workload", "threads", "value"), contenders);
        for (Workload w : results.workloads(x -> true)) {
            for (int valueSize : all.stream().filter(a -> a.workload().equals(w))
                    .map(Results.Allocation::valueSize).distinct().sorted().toList()) {
                for (int threads : all.stream().filter(a -> a.workload().equals(w)
                        && a.valueSize() == valueSize).map(Results.Allocation::threads)
                        .distinct().sorted().toList()) {
                    List<String> cells = new ArrayList<>();
                    for (String c : contenders) {
                        cells.add(all.stream().filter(a -> a.workload().equals(w)
                                        && a.contender().equals(c) && a.threads() == threads
                                        && a.valueSize() == valueSize).findFirst()
                                .map(a -> String.format(Locale.ROOT, "%.1f", a.bytesPerOp()))
                                .orElse("—"));
                    }
                    row(List.of(w.label(), String.valueOf(threads), valueSize + " B"), cells);
                }
            }
        }
    }

    // ------------------------------------------------------------------ formatting

    private static String cell(Measurement m) {
        String v = Results.human(m.value());
        if (Double.isNaN(m.error()) || m.value() == 0) {
            return v;
        }
        return v + " ±" + Math.round(100 * m.error() / m.value()) + "%";
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f", r);
    }

    private void header(List<String> first, List<String> rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(rest);
        out.append("| ").append(String.join(" | ", all)).append(" |\n|");
        for (int i = 0; i < all.size(); i++) {
            out.append(i < first.size() ? " --- |" : " ---: |");
        }
        out.append('\n');
    }

    private void row(List<String> first, List<String> rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(rest);
        out.append("| ").append(String.join(" | ", all)).append(" |\n");
    }
}
