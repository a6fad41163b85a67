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

    public static MigrationCoordinator coordinator(EngineConfig config, MigrationJournal journal, NodeClients clients, HostAttester attester,
            ReceiptSigner receipts, EngineMetrics metrics, Clock clock) {
        Map<String, Integer> limits = config.hosts().stream().collect(Collectors.toMap(HostConfig::name, HostConfig::maxMigrations));
        HostSlots slots = new HostSlots(limits);
        Nodes nodes = new Nodes(clients);
        TargetSelector selector = new TargetSelector(clients, attester, TargetStrategies.defaults(),
                config.suite().name().toLowerCase(java.util.Locale.ROOT), slots::inUse);
        List<PhaseStep> beforeSwitchover = List.of(new SelectTarget(selector, journal), new AttestDestination(attester),
                new PrepareDestination(nodes), new SendTpcmState(nodes));
        MigrateVm migrateVm = new MigrateVm(nodes, journal, clock, config.pollInterval(), config.vmMigrationTimeout(),
                config.destinationLossTolerance());
        Rollback rollback = new Rollback(nodes, journal);
        MigrationRunner runner = new MigrationRunner(journal, beforeSwitchover, migrateVm, new VerifyState(nodes, journal, clock),
                new CommitMigration(nodes), rollback, receipts, metrics, clock);
        return new MigrationCoordinator(journal, clients, new VtpcmLocator(clients), runner, rollback, slots, metrics,
                config.maxConcurrentMigrations());
    }
}
