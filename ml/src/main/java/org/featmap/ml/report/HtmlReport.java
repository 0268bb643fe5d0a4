package org.featmap.ml.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A self-contained HTML page (inline CSS, no scripts, no external assets besides the PNGs it shows,
 * referenced relative to the page) built from sections of text, tables, figures and "missing because"
 * notes. The page lists what could not be produced instead of leaving it out silently (issue #7).
 */
public final class HtmlReport {

    public sealed interface Block permits Text, Table, Figure, Missing {}

    public record Text(String text) implements Block {}

    public record Table(String caption, List<String> header, List<List<String>> rows, List<String> links)
            implements Block {
        public Table(String caption, List<String> header, List<List<String>> rows) {
            this(caption, header, rows, null);
        }

        /** The same table with each row's first cell linked to {@code links.get(row)} (null: no link). */
        public Table withLinks(List<String> rowLinks) {
            return new Table(caption, header, rows, rowLinks);
        }
    }

    /** {@code image} is relative to the page's directory. */
    public record Figure(String image, String caption) implements Block {}

    public record Missing(String what, String because) implements Block {}

    public record Section(String title, List<Block> blocks) {}

    private final String title;
    private final List<String> meta = new ArrayList<>();
    private final List<Section> sections = new ArrayList<>();

    public HtmlReport(String title) {
        this.title = title;
    }

    /** A line under the title (sweep name, config hash, date). */
    public HtmlReport meta(String line) {
        meta.add(line);
        return this;
    }

    public HtmlReport section(String sectionTitle, Block... blocks) {
        sections.add(new Section(sectionTitle, List.of(blocks)));
        return this;
    }

    public List<Section> sections() {
        return List.copyOf(sections);
    }

    /** Writes {@code dir/fileName}; every figure must already exist under dir and be non-empty. */
    public Path write(Path dir, String fileName) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
                        + "table{border-collapse:collapse;margin:1em 0;font-size:90%}th,td{border:1px solid #bbb;padding:3px 8px;"
                        + "text-align:right}th{background:#eee}td:first-child,th:first-child{text-align:left}"
                        + "figure{margin:1.5em 0}img{max-width:100%;border:1px solid #ddd}.missing{background:#fff4e5;"
                        + "border-left:4px solid #f0a030;padding:.5em 1em}.meta{color:#666}</style></head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n");
        for (String m : meta) h.append("<p class=\"meta\">").append(esc(m)).append("</p>\n");
        if (!sections.isEmpty()) {
            h.append("<nav><ol>");
            for (int i = 0; i < sections.size(); i++)
                h.append("<li><a href=\"#s")
                        .append(i)
                        .append("\">")
                        .append(esc(sections.get(i).title()))
                        .append("</a></li>");
            h.append("</ol></nav>\n");
        }
        for (int i = 0; i < sections.size(); i++) {
            Section s = sections.get(i);
            h.append("<section id=\"s")
                    .append(i)
                    .append("\"><h2>")
                    .append(esc(s.title()))
                    .append("</h2>\n");
            for (Block b : s.blocks()) render(h, b, dir);
            h.append("</section>\n");
        }
        h.append("</body></html>\n");
        Files.createDirectories(dir);
        Path out = dir.resolve(fileName);
        Files.writeString(out, h.toString(), StandardCharsets.UTF_8);
        return out;
    }

    private static void render(StringBuilder h, Block b, Path dir) throws IOException {
        if (b instanceof Text t) {
            h.append("<p>").append(esc(t.text())).append("</p>\n");
        } else if (b instanceof Table t) {
            h.append("<table><caption>").append(esc(t.caption())).append("</caption><thead><tr>");
            for (String c : t.header()) h.append("<th>").append(esc(c)).append("</th>");
            h.append("</tr></thead><tbody>\n");
            for (int r = 0; r < t.rows().size(); r++) {
                List<String> row = t.rows().get(r);
                if (row.size() != t.header().size())
                    throw new IllegalArgumentException("table '" + t.caption() + "': row has " + row.size()
                            + " cells, header " + t.header().size());
                h.append("<tr>");
                String link = t.links() == null ? null : t.links().get(r);
                for (int i = 0; i < row.size(); i++) {
                    String c = esc(row.get(i));
                    if (i == 0 && link != null)
                        c = "<a href=\"" + esc(link) + "\" title=\"this cell's MLflow run\">" + c + "</a>";
                    h.append("<td>").append(c).append("</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</tbody></table>\n");
        } else if (b instanceof Figure f) {
            Path img = dir.resolve(f.image());
            if (!Files.isRegularFile(img) || Files.size(img) == 0)
                throw new IOException("report figure " + img + " is missing or empty");
            h.append("<figure><img src=\"")
                    .append(esc(f.image()))
                    .append("\" alt=\"")
                    .append(esc(f.caption()))
                    .append("\"><figcaption>")
                    .append(esc(f.caption()))
                    .append("</figcaption></figure>\n");
        } else if (b instanceof Missing m) {
            h.append("<p class=\"missing\"><strong>")
                    .append(esc(m.what()))
                    .append("</strong> missing because ")
                    .append(esc(m.because()))
                    .append("</p>\n");
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
