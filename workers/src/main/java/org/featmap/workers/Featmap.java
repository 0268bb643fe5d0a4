package org.featmap.workers;

import java.nio.file.Path;
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
            DoctorCommand.class,
            PlanCommand.class,
            RunCommand.class,
            StatusCommand.class,
            CancelCommand.class,
            VerifyCommand.class,
            WorkerCommand.class,
            IngestCommands.Ingest.class,
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

    /** The file that interactive commands log to (full records, stack traces); null for {@code worker}. */
    static String logFile() {
        return System.getProperty("featmap.log.file");
    }

    /**
     * Before any logger exists: interactive commands log one line per message to the terminal and the full
     * record to a per-process file (logback-cli.xml); {@code featmap worker} keeps logback.xml (all on stderr,
     * as container log collectors expect). An explicit -Dlogback.configurationFile wins.
     */
    static void configureLogging(String[] args) {
        boolean worker = args.length > 0 && args[0].equals("worker");
        if (worker || System.getProperty("logback.configurationFile") != null) return;
        System.setProperty("logback.configurationFile", "logback-cli.xml");
        if (System.getProperty("featmap.log.file") == null && args.length > 0 && args[0].equals("run")) {
            String stamp = java.time.LocalDateTime.now()
                    .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            System.setProperty(
                    "featmap.log.file",
                    Path.of(
                                    System.getProperty("java.io.tmpdir"),
                                    "featmap-" + stamp + "-"
                                            + ProcessHandle.current().pid() + ".log")
                            .toString());
        }
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Featmap());
        listExitCodes(cl);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            if (t instanceof ConfigException
                    || t instanceof BadInputException
                    || t instanceof IllegalArgumentException
                    || t instanceof java.nio.file.NoSuchFileException) {
                String msg = t instanceof java.nio.file.NoSuchFileException
                        ? "no such file: " + t.getMessage()
                        : t.getMessage();
                cmd.getErr().println("featmap: " + msg);
                return 2;
            }
            cmd.getErr().println("featmap: " + t.getClass().getSimpleName() + ": " + t.getMessage());
            if (System.getenv("FEATMAP_DEBUG") != null) t.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl;
    }

    /** The exit codes of every command (also in the README). */
    static final java.util.Map<String, String> EXIT_CODES = exitCodes();

    private static java.util.Map<String, String> exitCodes() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("  0", "done (doctor: every check passed)");
        m.put("  1", "an unexpected error: one line; FEATMAP_DEBUG=1 adds the stack trace");
        m.put(
                "  2",
                "bad input, found before work starts: usage, config, a missing file or a preflight problem (one line each)");
        m.put("  3", "finished, but some nodes, files or checks failed (listed, grouped by cause)");
        return java.util.Collections.unmodifiableMap(m);
    }

    private static void listExitCodes(CommandLine c) {
        c.getCommandSpec().usageMessage().exitCodeListHeading("Exit codes:%n").exitCodeList(EXIT_CODES);
        for (CommandLine sub : c.getSubcommands().values()) if (sub != c) listExitCodes(sub);
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        configureLogging(args);
        System.exit(commandLine().execute(args));
    }
}
