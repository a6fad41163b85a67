package org.vtpcm.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.concurrent.Callable;
import org.vtpcm.engine.client.EngineClient;
import org.vtpcm.engine.client.MigrationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vtpcm migrate VM}: starts a live migration and, with {@code --wait}, follows it to its end. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Live-migrate a VM together with its vTPCM. Without --to the engine picks the least-loaded trusted host.")
final class MigrateCommand implements Callable<Integer> {
    private static final Set<String> STRATEGIES = Set.of(MigrationRequest.EXPLICIT, MigrationRequest.LEAST_LOADED);
    private static final int MAX_PARALLEL = 16;

    @ParentCommand
    VtpcmCli cli;

    @Parameters(index = "0", paramLabel = "VM", description = "the VM's uuid or domain name")
    String vm;

    @Option(names = "--to", paramLabel = "HOST", description = "the destination host (implies --strategy explicit)")
    String to;

    @Option(names = "--strategy", paramLabel = "explicit|least-loaded", description = "how the destination is chosen")
    String strategy;

    @Option(names = "--parallel", paramLabel = "N", description = "multifd connections, 1..16 (engine default 1)")
    Integer parallel;

    @Option(names = "--bandwidth", paramLabel = "MiB/s", description = "cap the VM migration's bandwidth, 1..1000000 MiB/s "
            + "(engine default: no cap)")
    Long bandwidthMiBs;

    @Option(names = "--compress", description = "compress the guest's memory on the wire")
    boolean compress;

    @Option(names = "--no-tls", description = "migrate the guest's memory without libvirt's TLS (lab networks only; the engine "
            + "refuses it unless its migration.allow-plaintext=true)")
    boolean noTls;

    @Option(names = "--no-verify-before-resume", description = "resume the VM before the arrived vTPCM state is verified")
    boolean noVerifyBeforeResume;

    @Option(names = "--nova", description = "ask Nova to live-migrate the instance (Nova's driver runs the protocol); "
            + "without --to the engine picks among Nova's usable hypervisors it trusts")
    boolean nova;

    @Option(names = "--wait", description = "follow the migration to its end: progress on stderr, then a summary (or --json)")
    boolean await;

    @Override
    public Integer call() {
        if (nova) {
            return viaNova();
        }
        MigrationRequest request = request();
        EngineClient client = cli.client();
        JsonNode view = client.startMigration(request);
        if (!await) {
            if (cli.json()) {
                cli.printJson(view);
            } else {
                cli.print("migration " + Formats.text(view, "id") + " started: " + vm + " " + Formats.text(view, "source") + " -> "
                        + Formats.text(view, "destination") + " (phase " + Formats.text(view, "phase") + ")");
            }
            return ExitCodes.OK;
        }
        JsonNode last = new MigrationWatch(client, cli.terminal()).await(view);
        if (cli.json()) {
            cli.printJson(last);
        } else {
            cli.print(MigrationSummary.render(last));
        }
        return "COMMITTED".equals(last.path("outcome").asText()) ? ExitCodes.OK : ExitCodes.MIGRATION_NOT_COMMITTED;
    }

    /** Nova mode: the engine asks Nova; with --wait, follows the engine's record, then Nova's, to their ends. */
    private Integer viaNova() {
        if (strategy != null || parallel != null || compress || noTls || noVerifyBeforeResume) {
            throw new UsageException("--nova takes only --to and --wait: Nova's configuration decides how the VM moves");
        }
        if (to != null && !to.matches("[A-Za-z0-9][A-Za-z0-9-]{0,62}")) {
            throw new UsageException("--to must be a host name (got '" + to + "')");
        }
        EngineClient client = cli.client();
        JsonNode asked = client.novaMigrate(vm, to);
        JsonNode migration = asked.path("migration");
        if (!await || migration.isMissingNode() || migration.isNull()) {
            if (cli.json()) {
                cli.printJson(asked);
            } else {
                cli.print("asked Nova to live-migrate " + vm + " (instance " + Formats.text(asked, "instance") + ") "
                        + Formats.text(asked, "source") + " -> " + Formats.text(asked, "destination") + (migration.isObject()
                        ? "; migration " + Formats.text(migration, "id") + " is at " + Formats.text(migration, "phase")
                        : "; Nova's driver has not begun the protocol yet (see `vtpcm migrations list`)"));
            }
            return migration.isObject() || !await ? ExitCodes.OK : ExitCodes.MIGRATION_NOT_COMMITTED;
        }
        JsonNode last = new MigrationWatch(client, cli.terminal()).await(migration);
        JsonNode novaRecord = NovaRecordWatch.awaitEnd(client, asked.path("instance").asText());
        if (cli.json()) {
            com.fasterxml.jackson.databind.node.ObjectNode both = cli.jsonObject();
            both.set("migration", last);
            both.set("nova", novaRecord);
            cli.printJson(both);
        } else {
            cli.print(MigrationSummary.render(last));
            cli.print("Nova's migration " + Formats.text(novaRecord, "id") + ": " + Formats.text(novaRecord, "status") + " ("
                    + Formats.text(novaRecord, "sourceCompute") + " -> " + Formats.text(novaRecord, "destCompute") + ")");
        }
        return "COMMITTED".equals(last.path("outcome").asText()) && "completed".equals(novaRecord.path("status").asText())
                ? ExitCodes.OK : ExitCodes.MIGRATION_NOT_COMMITTED;
    }

    /** The request the options describe; contradictions are usage errors before anything is sent. */
    MigrationRequest request() {
        if (strategy != null && !STRATEGIES.contains(strategy)) {
            throw new UsageException("--strategy must be explicit or least-loaded (got '" + strategy + "')");
        }
        if (MigrationRequest.LEAST_LOADED.equals(strategy) && to != null) {
            throw new UsageException("--to names the destination: it cannot go with --strategy least-loaded");
        }
        if (MigrationRequest.EXPLICIT.equals(strategy) && to == null) {
            throw new UsageException("--strategy explicit needs --to HOST");
        }
        if (parallel != null && (parallel < 1 || parallel > MAX_PARALLEL)) {
            throw new UsageException("--parallel must be 1.." + MAX_PARALLEL + " (got " + parallel + ")");
        }
        if (bandwidthMiBs != null && (bandwidthMiBs < 1 || bandwidthMiBs > 1_000_000)) {
            throw new UsageException("--bandwidth must be 1..1000000 MiB/s (got " + bandwidthMiBs + ")");
        }
        return new MigrationRequest(vm, to, strategy, parallel, compress ? Boolean.TRUE : null, noTls ? Boolean.FALSE : null,
                noVerifyBeforeResume ? Boolean.FALSE : null, bandwidthMiBs);
    }
}
