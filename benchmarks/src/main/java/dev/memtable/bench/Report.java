package dev.memtable.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a JMH JSON result into the Markdown summary (tables, targets, ratios) and the main chart.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.memtable.bench.Report results.json [more.json …] \
 *     [--markdown summary.md] [--chart chart.png] [--subtitle TEXT]
 * </pre>
 *
 * Several JSON files (say, a {@code tables} run and a {@code wal} run) are reported as one.
 *
 * The summary is printed to standard output and, with {@code --markdown}, written to a file; the
 * chart (1 thread, 100-byte values) is written with {@code --chart}.
 */
public final class Report {

    private Report() {
    }

    /**
     * Runs the report; see the class comment for the arguments.
     *
     * @param args the JSON file, then options
     * @throws IOException if the JSON cannot be read or an output cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 0 || args[0].startsWith("-")) {
            System.err.println("usage: Report results.json [more.json ...] [--markdown FILE]"
                    + " [--chart FILE.png] [--subtitle TEXT]");
            System.exit(2);
        }
        List<String> rest = new ArrayList<>(List.of(args));
        List<Path> jsons = new ArrayList<>();
        while (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
            jsons.add(Path.of(rest.remove(0)));
        }
        Path markdown = null;
        Path chart = null;
        String subtitle = null;
        while (!rest.isEmpty()) {
            String option = rest.remove(0);
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = rest.remove(0);
            switch (option) {
                case "--markdown" -> markdown = Path.of(value);
                case "--chart" -> chart = Path.of(value);
                case "--subtitle" -> subtitle = value;
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        run(jsons, markdown, chart, subtitle);
    }

    /** Reads {@code json}, prints the summary, and writes the optional outputs. */
    static void run(Path json, Path markdown, Path chart, String subtitle) throws IOException {
        run(List.of(json), markdown, chart, subtitle);
    }

    /** Reads every file of {@code jsons} as one run, prints the summary, writes the outputs. */
    static void run(List<Path> jsons, Path markdown, Path chart, String subtitle)
            throws IOException {
        Results results = Results.read(jsons);
        String summary = (subtitle == null ? "" : "Run: " + subtitle + "\n")
                + Summary.markdown(results);
        System.out.println(summary);
        if (markdown != null) {
            Files.writeString(markdown, summary);
        }
        if (chart != null) {
            if (Chart.write(results, 1, 100, subtitle, chart)) {
                System.out.println("Chart: " + chart);
            } else {
                System.out.println("No chart: the results hold no 1-thread, 100-byte table run.");
            }
        }
    }
}
