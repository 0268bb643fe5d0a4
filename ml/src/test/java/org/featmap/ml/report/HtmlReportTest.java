package org.featmap.ml.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.featmap.ml.analysis.SvdMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    @Test
    void rendersAReportWhoseFiguresAllExist(@TempDir Path dir) throws Exception {
        Map<String, Map<String, Double>> ssim = new LinkedHashMap<>();
        ssim.put("linear", new LinkedHashMap<>(Map.of("grayscale", 0.71, "noise_40", 0.55)));
        ssim.put("transformer", new LinkedHashMap<>(Map.of("grayscale", 0.78, "noise_40", Double.NaN)));
        Map<String, Map<String, Double>> erank = new LinkedHashMap<>();
        erank.put("grayscale", new LinkedHashMap<>());
        for (int k = 0; k < 4; k++) erank.get("grayscale").put("feat" + k, 20.0 + 10 * k);
        Map<String, double[]> spectra = new LinkedHashMap<>();
        spectra.put("grayscale feat3", SvdMetrics.singularValues(new float[] {3, 1, 0, 0, 2, 0, 0, 0, 1e-3f}, 3, 3));
        spectra.put("identity", new double[] {1, 1, 1});

        ReportCharts.groupedBar(
                dir.resolve("fig/ssim.png"),
                "SSIM of reconstructions",
                "manipulation",
                "SSIM (unitless, 1 = identical)",
                ssim);
        ReportCharts.lineAcross(
                dir.resolve("fig/erank.png"), "Effective rank across layers", "layer", "effective rank (count)", erank);
        ReportCharts.spectrum(dir.resolve("fig/spectra.png"), "Singular-value spectra", spectra);

        HtmlReport report = new HtmlReport("FeatMap sweep demo <test>")
                .meta("config demo.yaml")
                .section(
                        "Reconstruction",
                        new HtmlReport.Figure("fig/ssim.png", "SSIM per manipulation and model type"),
                        new HtmlReport.Table(
                                "Mean SSIM", List.of("manipulation", "linear"), List.of(List.of("grayscale", "0.71"))),
                        new HtmlReport.Missing("LPIPS", "no LPIPS export was configured"))
                .section(
                        "Linear maps",
                        new HtmlReport.Figure("fig/erank.png", "Effective rank"),
                        new HtmlReport.Figure("fig/spectra.png", "Spectra"),
                        new HtmlReport.Text("S sorted descending."));
        Path html = report.write(dir, "index.html");

        String page = Files.readString(html);
        assertTrue(page.contains("&lt;test&gt;"), "title escaped");
        assertTrue(page.contains("missing because no LPIPS export was configured"));
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(page);
        List<String> srcs = new ArrayList<>();
        while (m.find()) srcs.add(m.group(1));
        assertEquals(List.of("fig/ssim.png", "fig/erank.png", "fig/spectra.png"), srcs);
        for (String s : srcs) {
            Path p = dir.resolve(s);
            assertTrue(Files.size(p) > 1000, s + " is non-empty");
            BufferedImage img = ImageIO.read(p.toFile());
            assertEquals(ReportCharts.WIDTH, img.getWidth(), s);
            assertEquals(ReportCharts.HEIGHT, img.getHeight(), s);
        }
    }

    @Test
    void refusesMissingFiguresAndEmptyCharts(@TempDir Path dir) {
        HtmlReport r = new HtmlReport("x").section("s", new HtmlReport.Figure("nope.png", "absent"));
        assertThrows(java.io.IOException.class, () -> r.write(dir, "index.html"));
        assertThrows(
                IllegalArgumentException.class,
                () -> ReportCharts.groupedBar(
                        dir.resolve("e.png"), "empty", "x", "y", Map.of("a", Map.of("b", Double.NaN))));
    }
}
