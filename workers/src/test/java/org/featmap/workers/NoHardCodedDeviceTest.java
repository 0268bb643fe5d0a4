package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No compute path picks its own device (issue #14 item 2): in ml and activities main code, managers, models and
 * modules come from {@code ComputeDevice} on the device a stage was given. The listed exceptions say why each is
 * not a compute path. With {@link StageDeviceTest} (which sees what goes through ComputeDevice) a stage that ignores
 * its device cannot pass.
 */
class NoHardCodedDeviceTest {
    static final Pattern PICKS_A_DEVICE = Pattern.compile(
            "Device\\.cpu\\(\\)|Engine\\.getInstance\\(\\)\\.defaultDevice|NDManager\\.newBaseManager\\(|Model\\.newInstance\\(");
    /** file:line-text fragment → why it is fine. */
    static final Map<String, String> ALLOWED = Map.ofEntries(
            Map.entry("ml/ComputeDevice.java", "the one place that allocates"),
            Map.entry(
                    "ml/reconstruct/Decoder.java:    return load(dir, Device.cpu());",
                    "the tool/test overload; stages call load(dir, device)"),
            Map.entry(
                    "ml/reconstruct/DecoderOptions.java:    device = device == null",
                    "default of plain-path runs; the stage passes the worker's"),
            Map.entry("ml/extract/ExtractOptions.java", "defaults of plain-path runs; the stage passes the worker's"),
            Map.entry("ml/classify/FinetuneOptions.java", "defaults of plain-path runs; the stage passes the worker's"),
            Map.entry(
                    "ml/features/FeatureImport.java",
                    "`featmap features import` converts files on the CPU; not a stage"),
            Map.entry(
                    "ml/train/TrainStage.java:    try (NDManager probe = NDManager.newBaseManager(Device.cpu()))",
                    "reads a state dict's shapes before the model exists"),
            Map.entry(
                    "ml/train/TrainStage.java:      try (NDManager m = NDManager.newBaseManager(on))",
                    "on = the device the model was created on"),
            Map.entry(
                    "ml/eval/Lpips.java:      try (NDManager m = NDManager.newBaseManager(module.device()",
                    "the device the module was loaded on"),
            Map.entry(
                    "ml/eval/Feat3Cosine.java:        float[] all = f.get(LAYER).toDevice(Device.cpu(), false)",
                    "copies a result to the host"),
            Map.entry(
                    "ml/mapping/FusedAttention.java:    try (NDManager cpu = NDManager.newBaseManager(Device.cpu());",
                    "a 0-dim dropout probability the module reads with item(); libtorch takes CPU scalars with inputs on any device"),
            Map.entry(
                    "ml/mapping/FusedAttention.java:          PtNDManager home = (PtNDManager) NDManager.newBaseManager(Device.cpu(), \"PyTorch\");",
                    "the SDPA module has no parameters: one CPU-loaded module serves inputs on any device"));

    @Test
    void computePathsTakeTheirDevice() throws Exception {
        List<String> found = new ArrayList<>();
        for (Path root : List.of(
                Path.of("..", "ml", "src", "main", "java", "org", "featmap"),
                Path.of("..", "activities", "src", "main", "java", "org", "featmap"))) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path f :
                        s.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    String rel = root.relativize(f).toString().replace('\\', '/');
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        String line = lines.get(i);
                        if (!PICKS_A_DEVICE.matcher(line).find()) continue;
                        // indentation left out on both sides: the formatter decides it
                        String id = rel + ":" + line.trim();
                        if (ALLOWED.keySet().stream().noneMatch(k -> id.startsWith(trimmedEntry(k)) || rel.equals(k)))
                            found.add(rel + ":" + (i + 1) + ": " + line.trim());
                    }
                }
            }
        }
        assertEquals(
                List.of(),
                found,
                "allocate through ComputeDevice on the stage's device (or list the line here with a reason)");
    }

    /** "file:    text" as "file:text". */
    static String trimmedEntry(String key) {
        int colon = key.indexOf(':');
        return colon < 0
                ? key
                : key.substring(0, colon + 1) + key.substring(colon + 1).trim();
    }
}
