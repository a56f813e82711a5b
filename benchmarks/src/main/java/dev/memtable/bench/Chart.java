package dev.memtable.bench;

import dev.memtable.bench.Results.Measurement;
import dev.memtable.bench.Results.Workload;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.List;
import java.util.Optional;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Renders the main comparison as a PNG with JFreeChart: throughput of every contender on every
 * table workload, for one thread count and value size, as grouped bars on a logarithmic axis
 * (scans of 10,000 entries and point gets differ by four orders of magnitude).
 */
final class Chart {

    private static final Paint[] PALETTE = {
        new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f),
    };

    private Chart() {
    }

    /**
     * Writes the chart of {@code threads} threads and {@code valueSize}-byte values to
     * {@code png}.
     *
     * @return false (and writes nothing) if the results hold no such table measurement
     */
    static boolean write(Results results, int threads, int valueSize, String subtitle, Path png)
            throws IOException {
        List<Measurement> subset = results.measurements().stream()
                .filter(m -> !m.workload().isWal() && m.threads() == threads
                        && m.valueSize() == valueSize)
                .toList();
        if (subset.isEmpty()) {
            return false;
        }
        List<String> contenders = Results.contenders(subset);
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Workload w : results.workloads(x -> !x.isWal())) {
            for (String c : contenders) {
                Optional<Measurement> m = results.find(w, c, threads, valueSize);
                String category = w.label() + " (" + w.unit() + ")";
                if (m.isPresent()) {
                    data.addValue(m.get().value(), c, category);
                    min = Math.min(min, m.get().value());
                    max = Math.max(max, m.get().value());
                } else {
                    data.addValue(null, c, category);
                }
            }
        }

        LogAxis range = new LogAxis("operations per second (log scale; higher is better)");
        range.setBase(10);
        range.setTickUnit(new NumberTickUnit(1));
        range.setNumberFormatOverride(new HumanFormat());
        range.setTickLabelFont(new Font("SansSerif", Font.PLAIN, 12));
        range.setSmallestValue(1);
        range.setRange(Math.pow(10, Math.floor(Math.log10(min))),
                Math.pow(10, Math.ceil(Math.log10(max * 1.5))));
        CategoryAxis categories = new CategoryAxis(null);
        categories.setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
        categories.setMaximumCategoryLabelLines(2);
        categories.setTickLabelFont(new Font("SansSerif", Font.PLAIN, 13));
        categories.setCategoryMargin(0.18);

        BarRenderer bars = new BarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setItemMargin(0.02);
        // Bars start at the axis' lower edge, not at 0 (which a log axis cannot show).
        bars.setBase(range.getLowerBound());
        bars.setIncludeBaseInRange(false);
        for (int i = 0; i < contenders.size(); i++) {
            bars.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
                new HumanFormat()));
        bars.setDefaultItemLabelsVisible(true);
        bars.setDefaultItemLabelFont(new Font("SansSerif", Font.PLAIN, 10));
        bars.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12,
                TextAnchor.CENTER_LEFT, TextAnchor.CENTER_LEFT, -Math.PI / 2));

        CategoryPlot plot = new CategoryPlot(data, categories, range, bars);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xcccccc));
        plot.setRangeGridlineStroke(new BasicStroke(1f));

        JFreeChart chart = new JFreeChart("memtable contenders: throughput, " + threads
                + (threads == 1 ? " thread" : " threads") + ", 16-byte keys, " + valueSize
                + "-byte values", new Font("SansSerif", Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        if (subtitle != null && !subtitle.isBlank()) {
            chart.addSubtitle(new TextTitle(subtitle, new Font("SansSerif", Font.PLAIN, 12)));
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1200, 600);
        return true;
    }

    /** Formats axis ticks and bar labels as {@link Results#human}: 1.2 M, 350 k. */
    private static final class HumanFormat extends NumberFormat {
        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(double number, StringBuffer to, FieldPosition pos) {
            return to.append(Results.human(number));
        }

        @Override
        public StringBuffer format(long number, StringBuffer to, FieldPosition pos) {
            return to.append(Results.human(number));
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            // Never needed by the chart; per the NumberFormat contract, report "nothing parsed".
            pos.setErrorIndex(pos.getIndex());
            return null;
        }
    }
}
