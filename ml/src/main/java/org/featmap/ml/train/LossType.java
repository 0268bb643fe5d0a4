package org.featmap.ml.train;

/**
 * Training criteria of spec §6.3. The cosine-only option is spelled COS_SIM in the reference code and
 * COSSIM in its config comment (spec §11 B11): both spellings are accepted here.
 */
public enum LossType {
    MSE,
    COS_SIM,
    COMBINED;

    public static LossType parse(String s) {
        return switch (s) {
            case "MSE" -> MSE;
            case "COS_SIM", "COSSIM" -> COS_SIM;
            case "COMBINED" -> COMBINED;
            default ->
                throw new IllegalArgumentException(
                        "loss '" + s + "' unknown: allowed MSE, COS_SIM (or COSSIM), COMBINED");
        };
    }
}
