package org.vtpcm.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vtpcm hosts ...}: the compute hosts, their attestation and load. */
@Command(name = "hosts", mixinStandardHelpOptions = true,
        description = "List the compute hosts (the default), attest one, or trust its platform.",
        subcommands = {HostsCommand.ListHosts.class, HostsCommand.Attest.class, HostsCommand.Trust.class})
final class HostsCommand implements Callable<Integer> {
    @ParentCommand
    VtpcmCli cli;

    @Override
    public Integer call() {
        return list(cli);
    }

    static int list(VtpcmCli cli) {
        JsonNode answer = cli.client().hosts();
        if (cli.json()) {
            cli.printJson(answer);
            return ExitCodes.OK;
        }
        Table table = new Table("NAME", "ATTESTATION", "PROBLEMS", "VTPCMS", "MIGRATIONS", "REACHABLE");
        for (JsonNode host : answer.path("hosts")) {
            JsonNode load = host.path("load");
            table.row(Formats.text(host, "name"), Formats.text(host.path("attestation"), "state"), problems(host),
                    Formats.text(load, "vtpcms"), Formats.text(load, "activeMigrations") + "/" + Formats.text(load, "maxMigrations"),
                    reachable(host));
        }
        cli.print(table.render());
        return ExitCodes.OK;
    }

    /** The lines {@code attest} and {@code trust} print about one host. */
    static String describe(JsonNode host) {
        JsonNode attestation = host.path("attestation");
        JsonNode load = host.path("load");
        StringBuilder text = new StringBuilder();
        row(text, "host", Formats.text(host, "name"));
        row(text, "manager", Formats.text(host, "manager"));
        row(text, "attestation", Formats.text(attestation, "state") + " (checked " + Formats.text(attestation, "checkedAt") + ")");
        row(text, "problems", problems(host));
        row(text, "load", Formats.text(load, "vtpcms") + " vtpcms, " + Formats.text(load, "activeMigrations") + "/"
                + Formats.text(load, "maxMigrations") + " migrations");
        row(text, "reachable", reachable(host));
        return text.toString();
    }

    private static String problems(JsonNode host) {
        List<String> problems = new ArrayList<>();
        host.path("attestation").path("problems").forEach(problem -> problems.add(problem.asText()));
        return problems.isEmpty() ? Formats.ABSENT : String.join("; ", problems);
    }

    private static String reachable(JsonNode host) {
        return host.path("reachable").asBoolean(false) ? "yes" : "NO";
    }

    private static void row(StringBuilder text, String label, String value) {
        text.append(String.format(Locale.ROOT, "%-13s%s%n", label, value));
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Name, attestation state, problems, vTPCMs, migrations, reachability.")
    static final class ListHosts implements Callable<Integer> {
        @ParentCommand
        HostsCommand parent;

        @Override
        public Integer call() {
            return list(parent.cli);
        }
    }

    @Command(name = "attest", mixinStandardHelpOptions = true,
            description = "Attest a host now (fresh quote against the reference values).")
    static final class Attest implements Callable<Integer> {
        @ParentCommand
        HostsCommand parent;

        @Parameters(paramLabel = "NAME", description = "the host's name")
        String name;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            JsonNode host = cli.client().attest(name);
            if (cli.json()) {
                cli.printJson(host);
            } else {
                cli.print(describe(host));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "trust", mixinStandardHelpOptions = true,
            description = "Record the host's currently measured platform events as reference values (after checking its quote and AK).")
    static final class Trust implements Callable<Integer> {
        @ParentCommand
        HostsCommand parent;

        @Parameters(paramLabel = "NAME", description = "the host's name")
        String name;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            JsonNode answer = cli.client().trust(name);
            if (cli.json()) {
                cli.printJson(answer);
            } else {
                cli.print("added " + answer.path("added").asInt(0) + " reference values from " + name + "\n"
                        + describe(answer.path("host")));
            }
            return ExitCodes.OK;
        }
    }
}
