package org.vtpcm.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vtpcm vtpcm ...}: the association list (VM, vTPCM, host) gathered from every node's manager. */
@Command(name = "vtpcm", mixinStandardHelpOptions = true, description = "The vTPCMs of all nodes and the VMs they belong to.",
        subcommands = {VtpcmCommand.ListVtpcms.class, VtpcmCommand.Show.class})
final class VtpcmCommand {
    @ParentCommand
    VtpcmCli cli;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The association list across nodes.")
    static final class ListVtpcms implements Callable<Integer> {
        @ParentCommand
        VtpcmCommand parent;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            JsonNode answer = cli.client().vtpcms();
            if (cli.json()) {
                cli.printJson(answer);
                return ExitCodes.OK;
            }
            Table table = new Table("HOST", "VM", "VM UUID", "VTPCM", "STATE", "EPOCH", "POLICY");
            for (JsonNode item : answer.path("vtpcms")) {
                table.row(Formats.text(item, "host"), Formats.text(item, "vmName"), Formats.text(item, "vmUuid"),
                        Formats.text(item, "vtpcmId"),
                        Formats.text(item, "state"), Formats.text(item, "epoch"), Formats.text(item, "policy"));
            }
            cli.print(table.render());
            List<String> unreachable = new ArrayList<>();
            answer.path("unreachable").forEach(host -> unreachable.add(host.asText()));
            if (!unreachable.isEmpty()) {
                cli.warn("not listed, their managers did not answer: " + String.join(", ", unreachable));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "The vTPCM of one VM and the node that has it.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        VtpcmCommand parent;

        @Parameters(paramLabel = "VM", description = "the VM's uuid or domain name")
        String vm;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            JsonNode item = cli.client().vtpcm(vm);
            if (cli.json()) {
                cli.printJson(item);
                return ExitCodes.OK;
            }
            StringBuilder text = new StringBuilder();
            for (String[] row : new String[][] {{"vm", Formats.text(item, "vmName")}, {"vm uuid", Formats.text(item, "vmUuid")},
                {"vtpcm", Formats.text(item, "vtpcmId")}, {"host", Formats.text(item, "host")}, {"state", Formats.text(item, "state")},
                {"epoch", Formats.text(item, "epoch")}, {"policy", Formats.text(item, "policy")}}) {
                text.append(String.format(Locale.ROOT, "%-10s%s%n", row[0], row[1]));
            }
            cli.print(text.toString());
            return ExitCodes.OK;
        }
    }
}
