/**
 * What the report is made of: RFC 4180 CSV tables, the self-contained HTML page and its JFreeChart figures.
 *
 * <p>Layer: ml; plain file work, no Temporal. The report stage's adapter is {@code org.featmap.activities.report}.
 */
package org.featmap.ml.report;
