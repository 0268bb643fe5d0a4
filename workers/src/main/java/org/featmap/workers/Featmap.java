package org.featmap.workers;

import java.util.concurrent.Callable;
import org.featmap.core.config.ConfigException;
import org.featmap.core.contract.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code featmap} command. Every sub-command has --help; bad input exits 2 with one line. */
@Command(
    name = "featmap",
    mixinStandardHelpOptions = true,
    version = "featmap-flow " + Featmap.VERSION,
    description = "Runs the FeatMap study as a durable Temporal workflow graph.",
    subcommands = {
      PlanCommand.class,
      RunCommand.class,
      StatusCommand.class,
      CancelCommand.class,
      WorkerCommand.class,
      StageCommands.Synth.class,
      StageCommands.Manipulate.class,
      MoreStageCommands.ExportBackbone.class,
      MoreStageCommands.Extract.class,
      MoreStageCommands.Features.class,
      MoreStageCommands.Train.class,
      MoreStageCommands.Test.class,
      ClassifyCommands.Finetune.class,
      ClassifyCommands.Classify.class,
      ClassifyCommands.Wxb.class,
      ClassifyCommands.Svd.class,
      MoreStageCommands.Report.class,
      CommandLine.HelpCommand.class
    })
public final class Featmap implements Callable<Integer> {
  /** The project version (pom.xml's, without -SNAPSHOT). */
  static final String VERSION = "0.1.0";

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 0;
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Featmap());
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      Throwable t = ex;
      if (t instanceof ConfigException || t instanceof BadInputException || t instanceof IllegalArgumentException
          || t instanceof java.nio.file.NoSuchFileException) {
        String msg = t instanceof java.nio.file.NoSuchFileException ? "no such file: " + t.getMessage() : t.getMessage();
        cmd.getErr().println("featmap: " + msg);
        return 2;
      }
      cmd.getErr().println("featmap: " + t.getClass().getSimpleName() + ": " + t.getMessage());
      if (System.getenv("FEATMAP_DEBUG") != null) t.printStackTrace(cmd.getErr());
      return 1;
    });
    return cl;
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(commandLine().execute(args));
  }
}
