package org.featmap.ml.reconstruct;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.featmap.ml.images.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconstructionGridTest {
    static RgbImage solid(int size, int r, int g, int b) {
        RgbImage img = RgbImage.blank(size, size);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
                img.set(x, y, 0, r);
                img.set(x, y, 1, g);
                img.set(x, y, 2, b);
            }
        return img;
    }

    @Test
    void drawsLabelledCells(@TempDir Path tmp) throws IOException {
        Path png = tmp.resolve("sub/grid.png");
        List<RgbImage[]> rows = List.of(
                new RgbImage[] {solid(288, 255, 0, 0), solid(288, 0, 255, 0), solid(64, 0, 0, 255), null},
                new RgbImage[] {
                    solid(288, 10, 20, 30), solid(288, 200, 200, 0), solid(64, 0, 200, 200), solid(64, 90, 90, 90)
                });
        int[] wh = ReconstructionGrid.write(
                png,
                rows,
                List.of("00001 rotation_90", "00002"),
                List.of("original", "manipulated (target)", "reconstructed target", "reconstructed mapped"));
        BufferedImage bi = ImageIO.read(png.toFile());
        assertEquals(wh[0], bi.getWidth());
        assertEquals(wh[1], bi.getHeight());
        int cell = 288, pad = ReconstructionGrid.PAD, header = ReconstructionGrid.HEADER;
        assertEquals(header + 2 * (cell + pad) + pad, bi.getHeight());
        int labelW = bi.getWidth() - 4 * (cell + pad) - pad;
        assertTrue(labelW > 2 * pad + 40, "row label column " + labelW + " px");
        // cell centres carry the images' colours (the 64 px images scaled to the cell)
        assertEquals(0xFF0000, bi.getRGB(labelW + cell / 2, header + cell / 2) & 0xFFFFFF);
        assertEquals(0x0000FF, bi.getRGB(labelW + 2 * (cell + pad) + cell / 2, header + cell / 2) & 0xFFFFFF);
        assertEquals(
                0x00C8C8, bi.getRGB(labelW + 2 * (cell + pad) + cell / 2, header + cell + pad + cell / 2) & 0xFFFFFF);
        // labels drew dark pixels in the header and the label column
        assertTrue(darkPixels(bi, labelW, 0, bi.getWidth(), header) > 50);
        assertTrue(darkPixels(bi, 0, header, labelW, bi.getHeight()) > 50);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < bi.getHeight(); y += 7)
            for (int x = 0; x < bi.getWidth(); x += 7) colours.add(bi.getRGB(x, y));
        assertTrue(colours.size() > 8, "only " + colours.size() + " colours");
    }

    @Test
    void rejectsRaggedRows(@TempDir Path tmp) {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> ReconstructionGrid.write(
                        tmp.resolve("g.png"),
                        List.<RgbImage[]>of(new RgbImage[] {solid(8, 0, 0, 0)}),
                        List.of("a"),
                        List.of("x", "y")));
        assertTrue(e.getMessage().contains("row 0 has 1 images"), e.getMessage());
    }

    static int darkPixels(BufferedImage bi, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++) {
                int p = bi.getRGB(x, y);
                if (((p >> 16) & 0xFF) + ((p >> 8) & 0xFF) + (p & 0xFF) < 200) n++;
            }
        return n;
    }
}
