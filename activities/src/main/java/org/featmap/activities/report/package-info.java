/**
 * The report stage (report): one self-contained HTML page with the study's tables and figures, built from the
 * summaries and files of every node that finished, naming what is missing.
 *
 * <p>Layer: activities, the adapter of the report; the page, tables and charts are drawn by
 * {@code org.featmap.ml.report}.
 */
package org.featmap.activities.report;
