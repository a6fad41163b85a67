package org.vtpcm.engine.protocol;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.vtpcm.engine.attestation.HostAttester;
import org.vtpcm.engine.config.EngineConfig;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.engine.hosts.VtpcmLocator;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.metrics.EngineMetrics;
import org.vtpcm.engine.receipt.ReceiptSigner;
import org.vtpcm.engine.target.TargetSelector;
import org.vtpcm.engine.target.TargetStrategies;

/** Assembles the protocol's phases, in order, into a coordinator. */
public final class Protocol {
    private Protocol() {
    }

    /** The coordinator of engine-driven migrations and the hooks of Nova-driven ones, over the same journal and phases. */
    public record Services(MigrationCoordinator coordinator, NovaHooks nova) {
    }

    public static Services build(EngineConfig config, MigrationJournal journal, NodeClients clients, HostAttester attester,
            ReceiptSigner receipts, EngineMetrics metrics, Clock clock) {
        Map<String, Integer> limits = config.hosts().stream().collect(Collectors.toMap(HostConfig::name, HostConfig::maxMigrations));
        HostSlots slots = new HostSlots(limits);
        Nodes nodes = new Nodes(clients);
        TargetSelector selector = new TargetSelector(clients, attester, TargetStrategies.defaults(),
                config.suite().name().toLowerCase(java.util.Locale.ROOT), slots::inUse);
        SelectTarget selectTarget = new SelectTarget(selector, journal);
        AttestDestination attestDestination = new AttestDestination(attester);
        PrepareDestination prepareDestination = new PrepareDestination(nodes);
        SendTpcmState sendTpcmState = new SendTpcmState(nodes);
        List<PhaseStep> beforeSwitchover = List.of(selectTarget, attestDestination, prepareDestination, sendTpcmState);
        MigrateVm migrateVm = new MigrateVm(nodes, journal, clock, config.pollInterval(), config.vmMigrationTimeout(),
                config.destinationLossTolerance());
        Rollback rollback = new Rollback(nodes, journal);
        MigrationRunner runner = new MigrationRunner(journal, beforeSwitchover, migrateVm, new VerifyState(nodes, journal, clock),
                new CommitMigration(nodes), rollback, receipts, metrics, clock);
        MigrationOpener opener = new MigrationOpener(journal, new VtpcmLocator(clients));
        NovaHooks nova = new NovaHooks(opener, journal, runner, selectTarget, attestDestination, prepareDestination, sendTpcmState,
                metrics, clock, config.trust());
        MigrationCoordinator coordinator = new MigrationCoordinator(journal, clients, opener, runner, rollback, slots, metrics,
                config.maxConcurrentMigrations(), nova, config.trust().allowPlaintext());
        return new Services(coordinator, nova);
    }
}
