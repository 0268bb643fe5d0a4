package org.featmap.workers;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Stage commands: the same code path as the graph nodes, for standalone use. */
final class StageCommands {
  private StageCommands() {}

  @Command(name = "synth", mixinStandardHelpOptions = true, description = "Generates the synthetic dataset.")
  static final class Synth implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalArgumentException("synth is not available yet");
    }
  }

  @Command(name = "manipulate", mixinStandardHelpOptions = true, description = "Applies the direct manipulations.")
  static final class Manipulate implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalArgumentException("manipulate is not available yet");
    }
  }
}
