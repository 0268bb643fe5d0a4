package org.featmap.workers;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.featmap.core.contract.SweepRequest;

/** Who launches a sweep and from which code (the sweep run's mlflow.user, version and git commit). */
final class LaunchInfo {
    private LaunchInfo() {}

    static SweepRequest.Launch now() {
        Path repo = checkout();
        String commit = repo == null ? null : git(repo, "rev-parse", "HEAD");
        String status = commit == null ? null : git(repo, "status", "--porcelain", "--untracked-files=no");
        boolean dirty = status != null && !status.isEmpty();
        return new SweepRequest.Launch(
                System.getProperty("user.name", "unknown"),
                Featmap.VERSION,
                commit == null || !commit.matches("[0-9a-f]{40}") ? null : commit,
                dirty,
                System.currentTimeMillis());
    }

    /** The git checkout holding this program's classes (the project run from a checkout), or null. */
    static Path checkout() {
        try {
            Path p = Path.of(LaunchInfo.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            for (; p != null; p = p.getParent())
                if (Files.exists(p.resolve(".git")) && Files.isRegularFile(p.resolve("pom.xml"))) return p;
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source: not run from a checkout
        }
        return null;
    }

    private static String git(Path repo, String... args) {
        try {
            String[] cmd = new String[args.length + 3];
            cmd[0] = "git";
            cmd[1] = "-C";
            cmd[2] = repo.toString();
            System.arraycopy(args, 0, cmd, 3, args.length);
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return out;
        } catch (java.io.IOException e) {
            return null; // no git on this machine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
