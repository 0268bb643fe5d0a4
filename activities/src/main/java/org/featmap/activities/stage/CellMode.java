package org.featmap.activities.stage;

/** The §7.2 mode name of a cell node, by which the test and the classification of its reconstructions name rows. */
public final class CellMode {
    private CellMode() {}

    /** spatial_only_&lt;manip&gt;, &lt;model&gt;_&lt;manip&gt; for applied groups, else &lt;model&gt;. */
    public static String of(StageContext ctx) {
        String model = ctx.str("model");
        if (model.equals("spatial_only")) return "spatial_only_" + ctx.str("manipulation");
        return ctx.bool("apply_transform") ? model + "_" + ctx.str("manipulation") : model;
    }
}
