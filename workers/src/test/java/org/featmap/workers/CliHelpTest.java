package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Every option and parameter of every command says what it is, and every --help lists the exit codes. */
class CliHelpTest {
    private static List<CommandLine> all(CommandLine c) {
        List<CommandLine> l = new ArrayList<>(List.of(c));
        for (CommandLine sub : c.getSubcommands().values()) if (sub != c) l.addAll(all(sub));
        return l;
    }

    @Test
    void everyOptionAndParameterHasADescription() {
        List<String> missing = new ArrayList<>();
        for (CommandLine c : all(Featmap.commandLine())) {
            if (c.getCommandName().equals("help")) continue;
            for (ArgSpec a : c.getCommandSpec().args()) {
                String[] d = a.description();
                if (d == null || d.length == 0 || String.join("", d).isBlank()) {
                    String name = a instanceof OptionSpec o ? o.longestName() : ((PositionalParamSpec) a).paramLabel();
                    missing.add(c.getCommandSpec().qualifiedName() + " " + name);
                }
            }
        }
        assertEquals(List.of(), missing, "options without a description");
    }

    @Test
    void everyHelpListsTheExitCodes() {
        for (CommandLine c : all(Featmap.commandLine())) {
            if (c.getCommandName().equals("help")) continue;
            StringWriter w = new StringWriter();
            c.usage(new PrintWriter(w));
            String help = w.toString();
            assertTrue(
                    help.contains("Exit codes:") && help.contains("  2") && help.contains("  3"),
                    c.getCommandSpec().qualifiedName() + ":\n" + help);
        }
    }

    @Test
    void synthSaysItWritesJpegs() {
        StringWriter w = new StringWriter();
        Featmap.commandLine().getSubcommands().get("synth").usage(new PrintWriter(w));
        assertTrue(w.toString().contains(".jpg") && !w.toString().contains(".png"), w.toString());
    }
}
