package org.featmap.ml.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's figures as PNGs (JFreeChart, headless): every chart has a title, axis labels with
 * units and a legend. Series and categories keep the iteration order of the maps passed in
 * (use LinkedHashMap / TreeMap). Missing values (null or NaN) are left out, not drawn as zero.
 */
public final class ReportCharts {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 500;

    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private ReportCharts() {}

    /**
     * Grouped bars: one group per category (e.g. manipulation), one bar per series (e.g. model type).
     * {@code values.get(series).get(category)}.
     */
    public static Path groupedBar(
            Path png,
            String title,
            String categoryAxis,
            String valueAxis,
            Map<String, ? extends Map<String, Double>> values)
            throws IOException {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        values.forEach((series, row) -> row.forEach((cat, v) -> {
            if (v != null && !v.isNaN()) ds.addValue(v, series, cat);
        }));
        JFreeChart chart = ChartFactory.createBarChart(
                title, categoryAxis, valueAxis, ds, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        style(chart);
        return save(png, chart, ds.getRowCount() == 0);
    }

    /** Lines across ordered categories (e.g. layers feat0..feat3), one line per series. */
    public static Path lineAcross(
            Path png,
            String title,
            String categoryAxis,
            String valueAxis,
            Map<String, ? extends Map<String, Double>> values)
            throws IOException {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        values.forEach((series, row) -> row.forEach((cat, v) -> {
            if (v != null && !v.isNaN()) ds.addValue(v, series, cat);
        }));
        JFreeChart chart = ChartFactory.createLineChart(
                title, categoryAxis, valueAxis, ds, PlotOrientation.VERTICAL, true, false, false);
        org.jfree.chart.renderer.category.LineAndShapeRenderer r =
                (org.jfree.chart.renderer.category.LineAndShapeRenderer)
                        chart.getCategoryPlot().getRenderer();
        r.setDefaultShapesVisible(true);
        style(chart);
        return save(png, chart, ds.getRowCount() == 0);
    }

    /**
     * Singular-value spectra on a log value axis: x = 1-based index i, y = S_i, one line per series.
     * Non-positive values cannot be shown on a log axis and are dropped.
     */
    public static Path spectrum(Path png, String title, Map<String, double[]> singularValues) throws IOException {
        XYSeriesCollection ds = new XYSeriesCollection();
        for (Map.Entry<String, double[]> e : singularValues.entrySet()) {
            XYSeries s = new XYSeries(e.getKey());
            double[] v = e.getValue();
            for (int i = 0; i < v.length; i++) if (v[i] > 0 && !Double.isNaN(v[i])) s.add(i + 1, v[i]);
            ds.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(
                title,
                "singular value index i (1 = largest)",
                "singular value S_i (log scale, weight units)",
                ds,
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        XYPlot plot = chart.getXYPlot();
        LogAxis log = new LogAxis(plot.getRangeAxis().getLabel());
        log.setSmallestValue(1e-12);
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (double[] v : singularValues.values())
            for (double x : v)
                if (x > 0) {
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
        if (hi / lo >= 100) { // whole decades read better than 10^-0.2 steps
            log.setAutoTickUnitSelection(false);
            log.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0));
        }
        plot.setRangeAxis(log);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < ds.getSeriesCount(); i++) r.setSeriesStroke(i, new BasicStroke(1.6f));
        plot.setRenderer(r);
        style(chart);
        return save(png, chart, ds.getSeriesCount() == 0 || ds.getItemCount(0) == 0);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(new Color(250, 250, 250));
    }

    private static Path save(Path png, JFreeChart chart, boolean empty) throws IOException {
        if (empty)
            throw new IllegalArgumentException("chart '" + chart.getTitle().getText() + "' has no values to draw");
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
        return png;
    }
}
