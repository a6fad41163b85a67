package org.vtpcm.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vtpcm refs ...}: the reference values hosts' platform measurements are attested against. */
@Command(name = "refs", mixinStandardHelpOptions = true, description = "List, add and remove the platform reference values (PCR events).",
        subcommands = {RefsCommand.ListRefs.class, RefsCommand.Add.class, RefsCommand.Remove.class})
final class RefsCommand {
    @ParentCommand
    VtpcmCli cli;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every reference value.")
    static final class ListRefs implements Callable<Integer> {
        @ParentCommand
        RefsCommand parent;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            JsonNode answer = cli.client().referenceValues();
            if (cli.json()) {
                cli.printJson(answer);
                return ExitCodes.OK;
            }
            Table table = new Table("ID", "PCR", "SCOPE", "DIGEST", "LABEL", "ADDED", "DESCRIPTION");
            for (JsonNode value : answer.path("referenceValues")) {
                table.row(Formats.text(value, "id"), Formats.text(value, "pcr"), Formats.text(value, "scope"), Formats.text(value, "digest"),
                        Formats.text(value, "label"),
                        Formats.text(value, "addedAt"), Formats.text(value, "description"));
            }
            cli.print(table.render());
            return ExitCodes.OK;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a reference value: a PCR event digest hosts may show.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        RefsCommand parent;

        @Option(names = "--pcr", required = true, paramLabel = "N", description = "the PCR the event is extended into")
        int pcr;

        @Option(names = "--description", required = true, paramLabel = "D", description = "what was measured")
        String description;

        @Option(names = "--digest", required = true, paramLabel = "HEX", description = "the event's SHA-256 digest, 64 hex digits")
        String digest;

        @Option(names = "--label", paramLabel = "L", description = "a free label, e.g. the firmware release")
        String label;

        @Option(names = "--scope", paramLabel = "S", description = "where it applies: global (default), class:<class> or host:<name>")
        String scope;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            JsonNode added = cli.client().addReferenceValue(pcr, description, digest, label, scope);
            if (cli.json()) {
                cli.printJson(added);
            } else {
                cli.print("added reference value " + Formats.text(added, "id") + " (PCR " + Formats.text(added, "pcr") + ", "
                        + Formats.text(added, "digest") + ")" + (added.path("scope").asText("global").equals("global") ? ""
                        : " for " + Formats.text(added, "scope")));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a reference value.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        RefsCommand parent;

        @Parameters(paramLabel = "ID", description = "the reference value's id")
        long id;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            cli.client().removeReferenceValue(id);
            if (!cli.json()) {
                cli.print("removed reference value " + id);
            }
            return ExitCodes.OK;
        }
    }
}
