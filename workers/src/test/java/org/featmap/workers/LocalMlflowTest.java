package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalMlflowTest {
    @Test
    void findsTheRepositorysScriptsAndReadsEnvSh() throws Exception {
        Path scripts = LocalMlflow.findScripts();
        assertNotNull(scripts, "infra/local not found from " + Path.of("").toAbsolutePath());
        assertTrue(Files.isRegularFile(scripts.resolve("mlflow.sh")));
        Map<String, String> env = LocalMlflow.exports(scripts);
        assertTrue(env.get("FEATMAP_MLFLOW_URI").matches("http://127\\.0\\.0\\.1:\\d+"), env.toString());
        assertTrue(
                env.containsKey("MLFLOW_S3_ENDPOINT_URL") && env.containsKey("AWS_ACCESS_KEY_ID"),
                env.keySet().toString());
    }

    @Test
    void notInstalledWithoutTheVenv(@TempDir Path run) throws Exception {
        Path scripts = LocalMlflow.findScripts();
        assertFalse(LocalMlflow.installed(scripts, run.toString()));
        Path bin = Files.createDirectories(run.resolve("venv-mlflow/bin"));
        Path mlflow = Files.writeString(bin.resolve("mlflow"), "#!/bin/sh\n");
        mlflow.toFile().setExecutable(true);
        assertTrue(LocalMlflow.installed(scripts, run.toString()));
    }
}
