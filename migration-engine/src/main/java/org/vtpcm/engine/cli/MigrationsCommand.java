package org.vtpcm.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vtpcm.engine.client.EngineClient;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vtpcm migrations ...}: the engine's journal of migrations. */
@Command(name = "migrations", mixinStandardHelpOptions = true, description = "List, show and abort migrations; read their signed receipts.",
        subcommands = {MigrationsCommand.ListMigrations.class, MigrationsCommand.Show.class, MigrationsCommand.Abort.class,
            MigrationsCommand.Receipt.class})
final class MigrationsCommand {
    @ParentCommand
    VtpcmCli cli;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The migrations, newest first (default: all).")
    static final class ListMigrations implements Callable<Integer> {
        private static final int MAX_LIMIT = 1000;

        @ParentCommand
        MigrationsCommand parent;

        @ArgGroup(exclusive = true)
        Scope scope;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
                description = "at most N migrations, 1..1000 (default ${DEFAULT-VALUE})")
        int limit;

        static final class Scope {
            @Option(names = "--all", description = "running and ended migrations")
            boolean all;

            @Option(names = "--active", description = "only migrations still running")
            boolean active;
        }

        @Override
        public Integer call() {
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new UsageException("--limit must be 1.." + MAX_LIMIT + " (got " + limit + ")");
            }
            VtpcmCli cli = parent.cli;
            EngineClient.StateFilter state = scope != null && scope.active ? EngineClient.StateFilter.ACTIVE : EngineClient.StateFilter.ALL;
            JsonNode answer = cli.client().migrations(state, limit);
            if (cli.json()) {
                cli.printJson(answer);
                return ExitCodes.OK;
            }
            Table table = new Table("ID", "VM", "SOURCE", "DESTINATION", "PHASE", "OUTCOME", "CREATED", "TOTAL");
            for (JsonNode view : answer.path("migrations")) {
                table.row(Formats.text(view, "id"), Formats.text(view, "vmName"), Formats.text(view, "source"),
                        Formats.text(view, "destination"),
                        Formats.text(view, "phase"), view.hasNonNull("outcome") ? view.get("outcome").asText() : "running",
                        Formats.text(view, "createdAt"), Formats.millis(view, "totalMs"));
            }
            cli.print(table.render());
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One migration: phases with timings, digests, epoch, outcome.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        MigrationsCommand parent;

        @Parameters(paramLabel = "ID", description = "the migration's id")
        String id;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            JsonNode view = cli.client().migration(id);
            if (cli.json()) {
                cli.printJson(view);
            } else {
                cli.print(MigrationSummary.render(view));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "Roll a migration back (refused with exit 4 once the VM runs at the destination: it then only rolls forward).")
    static final class Abort implements Callable<Integer> {
        @ParentCommand
        MigrationsCommand parent;

        @Parameters(paramLabel = "ID", description = "the migration's id")
        String id;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            JsonNode view = cli.client().abort(id);
            if (cli.json()) {
                cli.printJson(view);
            } else {
                cli.print("migration " + id + ": abort requested, rolling back (phase " + Formats.text(view, "phase") + ")");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "receipt", mixinStandardHelpOptions = true, description = "The engine-signed receipt of a committed migration.")
    static final class Receipt implements Callable<Integer> {
        @ParentCommand
        MigrationsCommand parent;

        @Parameters(paramLabel = "ID", description = "the migration's id")
        String id;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            JsonNode answer = cli.client().receipt(id);
            if (cli.json()) {
                cli.printJson(answer);
                return ExitCodes.OK;
            }
            JsonNode receipt = answer.path("receipt");
            StringBuilder text = new StringBuilder();
            String[][] rows = {
                {"migration", Formats.text(receipt, "migrationId")}, {"vm", Formats.text(receipt, "vmUuid")},
                {"vtpcm", Formats.text(receipt, "vtpcmId")},
                {"route", Formats.text(receipt, "source") + " -> " + Formats.text(receipt, "destination")},
                {"digest left", Formats.text(receipt, "digestLeft")}, {"digest arrived", Formats.text(receipt, "digestArrived")},
                {"epoch", Formats.text(receipt, "epoch")}, {"total", Formats.millis(receipt, "totalMs")},
                {"downtime", Formats.millis(receipt, "downtimeMs")}, {"committed at", Formats.text(receipt, "committedAt")},
                {"suite", Formats.text(answer, "suite")}, {"signing key", Formats.text(answer, "signingKey")},
                {"signature", Formats.text(answer, "signature")},
            };
            for (String[] row : rows) {
                text.append(String.format(Locale.ROOT, "%-16s%s%n", row[0], row[1]));
            }
            text.append("phases\n");
            for (Map.Entry<String, JsonNode> phase : receipt.path("phases").properties()) {
                text.append(String.format(Locale.ROOT, "  %-18s%8s%n", phase.getKey(), phase.getValue().asLong() + " ms"));
            }
            cli.print(text.toString());
            return ExitCodes.OK;
        }
    }
}
