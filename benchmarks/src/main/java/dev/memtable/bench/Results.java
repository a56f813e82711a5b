package dev.memtable.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The benchmark results of one run, read from JMH's JSON output ({@code -rf json}) and turned
 * into comparable numbers: operations (or MB) per second, whatever mode and unit JMH measured in.
 *
 * @param measurements every result, in file order
 * @param jvm the JVM that ran them, as JMH recorded it
 * @param allocations bytes allocated per operation, for the results measured with JMH's
 *     {@code -prof gc} (empty without it)
 */
record Results(List<Measurement> measurements, String jvm, List<Allocation> allocations) {

    /**
     * What one operation allocated: JMH's {@code gc.alloc.rate.norm} (bytes per benchmark
     * operation), per put for the single-shot fills.
     */
    record Allocation(Workload workload, String contender, int threads, int valueSize,
                      double bytesPerOp) {
    }

    /** What a number measures: a benchmark (and scan length), with its unit. */
    record Workload(String label, String unit, int order) {
        /** True for the write-ahead-log workloads, whose contenders are logs, not tables. */
        boolean isWal() {
            return order >= 100;
        }
    }

    static final Workload RANDOM_PUT = new Workload("random put", "puts/s", 0);
    static final Workload SEQUENTIAL_PUT = new Workload("sequential put", "puts/s", 1);
    static final Workload GET_HIT = new Workload("get, hit", "gets/s", 2);
    static final Workload GET_MISS = new Workload("get, miss", "gets/s", 3);
    static final Workload MIXED = new Workload("90% get / 10% put", "ops/s", 4);
    static final Workload WAL_APPEND = new Workload("unsynced append", "MB/s", 100);
    static final Workload WAL_SYNCED = new Workload("synced write", "writes/s", 101);
    static final Workload WAL_RECOVERY = new Workload("recovery", "MB/s", 102);

    /** Returns the workload of a scan of {@code length} entries. */
    static Workload scan(int length) {
        return new Workload("scan " + length, "scans/s", 10 + Integer.numberOfTrailingZeros(
                Integer.highestOneBit(Math.max(1, length))));
    }

    /**
     * One result.
     *
     * @param value operations (or MB) per second, higher is better
     * @param error the half-width of JMH's 99.9 % confidence interval, same unit (NaN if JMH
     *     had too few samples)
     */
    record Measurement(Workload workload, String contender, int threads, int valueSize,
                       double value, double error) {
    }

    /** Reads a JMH JSON result file. */
    static Results read(Path json) throws IOException {
        return read(List.of(json));
    }

    /** Reads several JMH JSON result files as one run, in the order given. */
    static Results read(List<Path> jsons) throws IOException {
        JsonArray all = new JsonArray();
        for (Path json : jsons) {
            try (Reader in = Files.newBufferedReader(json)) {
                JsonElement root = JsonParser.parseReader(in);
                if (!root.isJsonArray()) {
                    throw new IOException(json + " is not a JMH JSON result (expected an array)");
                }
                all.addAll(root.getAsJsonArray());
            }
        }
        return parse(all);
    }

    static Results parse(JsonArray array) {
        List<Measurement> out = new ArrayList<>();
        List<Allocation> allocations = new ArrayList<>();
        String jvm = "";
        for (JsonElement e : array) {
            JsonObject r = e.getAsJsonObject();
            jvm = r.get("vmName").getAsString() + " " + r.get("jdkVersion").getAsString()
                    + " (" + r.get("vmVersion").getAsString() + ")";
            toMeasurement(r).ifPresent(m -> {
                out.add(m);
                allocation(r, m).ifPresent(allocations::add);
            });
        }
        return new Results(List.copyOf(out), jvm, List.copyOf(allocations));
    }

    /** The {@code gc.alloc.rate.norm} of {@code r}, if it was profiled. */
    private static Optional<Allocation> allocation(JsonObject r, Measurement m) {
        if (!r.has("secondaryMetrics")) {
            return Optional.empty();
        }
        for (var e : r.getAsJsonObject("secondaryMetrics").entrySet()) {
            if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                double perOp = e.getValue().getAsJsonObject().get("score").getAsDouble();
                if (r.get("mode").getAsString().equals("ss")) {
                    JsonObject params = r.has("params") ? r.getAsJsonObject("params")
                            : new JsonObject();
                    // One operation is one thread's share of a fill: entries / threads puts.
                    perOp /= Math.max(1.0, (double) integer(params, "entries", 1) / m.threads());
                }
                return Optional.of(new Allocation(m.workload(), m.contender(), m.threads(),
                        m.valueSize(), perOp));
            }
        }
        return Optional.empty();
    }

    private static Optional<Measurement> toMeasurement(JsonObject r) {
        String benchmark = r.get("benchmark").getAsString();
        String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        String clazz = benchmark.substring(0, benchmark.lastIndexOf('.'));
        clazz = clazz.substring(clazz.lastIndexOf('.') + 1);
        JsonObject params = r.has("params") ? r.getAsJsonObject("params") : new JsonObject();
        String contender = string(params, "contender", "?");
        int valueSize = integer(params, "valueSize", 0);
        int entries = integer(params, "entries", 0);
        JsonObject primary = r.getAsJsonObject("primaryMetric");
        double score = primary.get("score").getAsDouble();
        double relativeError = primary.get("scoreError").getAsDouble() / score;
        String unit = primary.get("scoreUnit").getAsString();
        String mode = r.get("mode").getAsString();
        int threads = r.get("threads").getAsInt();
        long payload = Data.KEY_LENGTH + valueSize;

        Workload workload;
        double perSecond;
        switch (clazz + "." + method) {
            case "PutBenchmark.randomPut", "PutBenchmark.sequentialPut" -> {
                workload = method.equals("randomPut") ? RANDOM_PUT : SEQUENTIAL_PUT;
                perSecond = fillRate(mode, score, unit, entries);
            }
            case "ReadBenchmark.getHit" -> {
                workload = GET_HIT;
                perSecond = rate(score, unit);
            }
            case "ReadBenchmark.getMiss" -> {
                workload = GET_MISS;
                perSecond = rate(score, unit);
            }
            case "ReadBenchmark.mixed" -> {
                workload = MIXED;
                perSecond = rate(score, unit);
            }
            case "ScanBenchmark.scan" -> {
                workload = scan(integer(params, "scanLength", 0));
                perSecond = rate(score, unit);
            }
            case "WalAppendBenchmark.append" -> {
                workload = WAL_APPEND;
                perSecond = rate(score, unit) * payload / 1e6;
            }
            case "WalSyncBenchmark.syncedWrite" -> {
                workload = WAL_SYNCED;
                perSecond = rate(score, unit);
            }
            case "WalRecoveryBenchmark.recover" -> {
                workload = WAL_RECOVERY;
                perSecond = fillRate(mode, score, unit, entries) * payload / 1e6;
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(new Measurement(workload, contender, threads, valueSize, perSecond,
                Math.abs(perSecond * relativeError)));
    }

    /** Entries per second of a single-shot fill of {@code entries}, from the time one took. */
    private static double fillRate(String mode, double score, String unit, int entries) {
        if (!mode.equals("ss")) {
            throw new IllegalArgumentException("expected single-shot results, got " + mode);
        }
        return entries / (score * secondsPer(unit.substring(0, unit.indexOf('/'))));
    }

    /** Operations per second from a JMH throughput score such as 12.3 ops/ms. */
    private static double rate(double score, String unit) {
        if (!unit.startsWith("ops/")) {
            throw new IllegalArgumentException("expected a throughput unit, got " + unit);
        }
        return score / secondsPer(unit.substring(4));
    }

    private static double secondsPer(String timeUnit) {
        return switch (timeUnit) {
            case "ns" -> 1e-9;
            case "us" -> 1e-6;
            case "ms" -> 1e-3;
            case "s" -> 1;
            case "min" -> 60;
            default -> throw new IllegalArgumentException("unknown time unit " + timeUnit);
        };
    }

    private static String string(JsonObject o, String key, String absent) {
        return o.has(key) ? o.get(key).getAsString() : absent;
    }

    private static int integer(JsonObject o, String key, int absent) {
        return o.has(key) ? Integer.parseInt(o.get(key).getAsString()) : absent;
    }

    // ------------------------------------------------------------------ queries

    /** Returns the measurement matching all of the given coordinates, if there is one. */
    Optional<Measurement> find(Workload workload, String contender, int threads, int valueSize) {
        return measurements.stream()
                .filter(m -> m.workload().equals(workload) && m.contender().equals(contender)
                        && m.threads() == threads && m.valueSize() == valueSize)
                .findFirst();
    }

    /** Returns the ratio of two contenders' values on the same workload, if both were measured. */
    Optional<Double> ratio(Workload workload, int threads, int valueSize, String numerator,
                           String denominator) {
        return find(workload, numerator, threads, valueSize).flatMap(n ->
                find(workload, denominator, threads, valueSize).map(d -> n.value() / d.value()));
    }

    /** Returns the workloads present that pass {@code filter}, in display order. */
    List<Workload> workloads(Predicate<Workload> filter) {
        Set<Workload> set = new TreeSet<>(Comparator.comparingInt(Workload::order)
                .thenComparing(Workload::label));
        measurements.stream().map(Measurement::workload).filter(filter).forEach(set::add);
        return List.copyOf(set);
    }

    /**
     * Returns the contenders present in {@code subset}, ordered: known backends first (as the
     * {@code @Param} defaults list them), other backends by name, then the baselines.
     */
    static List<String> contenders(List<Measurement> subset) {
        Set<String> present = new LinkedHashSet<>();
        subset.forEach(m -> present.add(m.contender()));
        List<String> order = new ArrayList<>();
        order.add(Contenders.RAW_FILE);
        order.add(Contenders.WAL);
        order.addAll(Contenders.KNOWN_BACKENDS);
        List<String> rest = new ArrayList<>(present);
        rest.removeAll(order);
        rest.removeAll(List.of(Contenders.CSLM, Contenders.ROCKSDB));
        rest.sort(null);
        order.addAll(rest);
        order.add(Contenders.CSLM);
        order.add(Contenders.ROCKSDB);
        order.retainAll(present);
        return order;
    }

    /** Returns the distinct values of {@code key} over the measurements matching {@code filter}. */
    <T extends Comparable<T>> List<T> distinct(Predicate<Measurement> filter,
                                               java.util.function.Function<Measurement, T> key) {
        Set<T> set = new TreeSet<>();
        measurements.stream().filter(filter).map(key).forEach(set::add);
        return List.copyOf(set);
    }

    /** Formats a rate with an SI suffix and three significant digits: 1.23 M, 456 k, 7.80. */
    static String human(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        double a = Math.abs(v);
        String suffix = "";
        double scaled = v;
        if (a >= 1e9) {
            scaled = v / 1e9;
            suffix = " G";
        } else if (a >= 1e6) {
            scaled = v / 1e6;
            suffix = " M";
        } else if (a >= 1e3) {
            scaled = v / 1e3;
            suffix = " k";
        }
        double s = Math.abs(scaled);
        String digits = s >= 100 ? "%.0f" : s >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, digits, scaled) + suffix;
    }
}
