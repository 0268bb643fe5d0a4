package org.featmap.ml.reconstruct;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.RgbImage;

/**
 * A labelled PNG grid for people to look at reconstructions, e.g. columns original | manipulated (target) |
 * reconstructed target | reconstructed mapped, one row per sample. Every image is drawn in a square cell of
 * {@link #cellSize} (nearest-neighbour scaling, so small decoder outputs show their real pixels); a
 * {@code null} image leaves its cell grey. Pure java.awt on a BufferedImage: works headless.
 */
public final class ReconstructionGrid {
    private ReconstructionGrid() {}

    public static final int PAD = 4;
    /** Header band: room for column labels of up to two lines. */
    public static final int HEADER = 36;

    public static final int MIN_CELL = 128;

    /** Writes the grid to {@code png} and returns its (width, height). */
    public static int[] write(Path png, List<RgbImage[]> rows, List<String> rowLabels, List<String> colLabels)
            throws IOException {
        if (rows.isEmpty()) throw new IllegalArgumentException(png + ": no rows to draw");
        int cols = colLabels.size();
        if (rowLabels.size() != rows.size())
            throw new IllegalArgumentException(
                    png + ": " + rows.size() + " rows but " + rowLabels.size() + " row labels");
        for (int r = 0; r < rows.size(); r++)
            if (rows.get(r).length != cols)
                throw new IllegalArgumentException(
                        png + ": row " + r + " has " + rows.get(r).length + " images, " + cols + " column labels");
        int cell = cellSize(rows);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(font);
        int labelW = 0;
        for (String s : rowLabels) labelW = Math.max(labelW, fm.stringWidth(s));
        pg.dispose();
        labelW += 2 * PAD;

        int w = labelW + cols * (cell + PAD) + PAD, h = HEADER + rows.size() * (cell + PAD) + PAD;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(font);
            g.setColor(Color.BLACK);
            for (int c = 0; c < cols; c++) {
                List<String> lines = wrap(colLabels.get(c), fm, cell);
                for (int i = 0; i < lines.size(); i++) {
                    String s = lines.get(i);
                    int x = labelW + c * (cell + PAD) + (cell - fm.stringWidth(s)) / 2;
                    g.drawString(s, x, HEADER - 6 - (lines.size() - 1 - i) * fm.getHeight());
                }
            }
            for (int r = 0; r < rows.size(); r++) {
                int y = HEADER + r * (cell + PAD);
                g.setColor(Color.BLACK);
                g.drawString(rowLabels.get(r), PAD, y + cell / 2 + fm.getAscent() / 2);
                for (int c = 0; c < cols; c++) {
                    int x = labelW + c * (cell + PAD);
                    RgbImage img = rows.get(r)[c];
                    if (img == null) {
                        g.setColor(Color.LIGHT_GRAY);
                        g.fillRect(x, y, cell, cell);
                    } else {
                        g.drawImage(ImageCodec.toBufferedImage(img), x, y, cell, cell, null);
                    }
                }
            }
        } finally {
            g.dispose();
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (!ImageIO.write(out, "png", png.toFile())) throw new IOException(png + ": no PNG writer");
        return new int[] {w, h};
    }

    /** Cell side: the largest image side, at least {@link #MIN_CELL}. */
    static int cellSize(List<RgbImage[]> rows) {
        int cell = MIN_CELL;
        for (RgbImage[] row : rows)
            for (RgbImage img : row) if (img != null) cell = Math.max(cell, Math.max(img.width(), img.height()));
        return cell;
    }

    /** Greedy word wrap to at most two lines of {@code width}; the rest is cut with an ellipsis. */
    static List<String> wrap(String label, FontMetrics fm, int width) {
        String[] words = label.split(" ");
        String first = words[0];
        int i = 1;
        while (i < words.length && fm.stringWidth(first + " " + words[i]) <= width) first += " " + words[i++];
        if (i == words.length) return List.of(fit(first, fm, width));
        return List.of(
                fit(first, fm, width),
                fit(String.join(" ", java.util.Arrays.copyOfRange(words, i, words.length)), fm, width));
    }

    private static String fit(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) return s;
        while (s.length() > 1 && fm.stringWidth(s + "…") > width) s = s.substring(0, s.length() - 1);
        return s + "…";
    }
}
