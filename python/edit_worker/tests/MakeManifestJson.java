// How tests/manifest_java*.json were made: Jackson with ManifestJson's settings on core's NodeManifest.
// java -cp core/target/classes:<jackson-databind, -core, -annotations 2.18.2 jars> python/edit_worker/tests/MakeManifestJson.java
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.NodeManifest;

public class MakeManifestJson {
  public static void main(String[] a) throws Exception {
    ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .enable(SerializationFeature.INDENT_OUTPUT).build();
    Map<String, ArtifactRef> arts = new LinkedHashMap<>();
    arts.put("b/x.jpg", new ArtifactRef("file:///tmp/s/edit/k/b/x.jpg", "ab", 12));
    arts.put("a/y é.png", new ArtifactRef(java.nio.file.Path.of("/tmp/s/edit/k/a/y é.png").toUri().toString(), "cd", 3));
    Map<String, String> sum = new LinkedHashMap<>();
    sum.put("z", "1");
    sum.put("a", "x\"y");
    java.nio.file.Files.write(java.nio.file.Path.of("manifest_java.json"),
        json.writeValueAsBytes(new NodeManifest("edit", "k", 1, arts, sum, List.of("f1 \u00e9 \n"), 5)));
    java.nio.file.Files.write(java.nio.file.Path.of("manifest_java_empty.json"),
        json.writeValueAsBytes(new NodeManifest("edit", "k", 1, Map.of(), Map.of(), List.of(), 0)));
  }
}
