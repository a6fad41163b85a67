package org.vtpcm.engine.protocol;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.vtpcm.engine.attestation.HostAttester;
import org.vtpcm.engine.config.EngineConfig;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.engine.hosts.NodeDirectory;
import org.vtpcm.engine.hosts.VtpcmLocator;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.metrics.EngineMetrics;
import org.vtpcm.engine.receipt.ReceiptSigner;
import org.vtpcm.engine.target.TargetSelector;
import org.vtpcm.engine.target.TargetStrategies;
import org.vtpcm.nodeapi.AssociationView;

/** Assembles the protocol's phases, in order, into a coordinator. */
public final class Protocol {
    private Protocol() {
    }

    /** The coordinator of engine-driven migrations and the hooks of Nova-driven ones, over the same journal and phases. */
    public record Services(MigrationCoordinator coordinator, NovaHooks nova) {
    }

    /** The protocol's settings out of the engine's configuration. */
    record Settings(MigrateVm.Limits vmMigration, int maxConcurrentMigrations, EngineConfig.TrustSettings trust,
            java.util.concurrent.Executor reads) {
        static Settings of(EngineConfig config) {
            return new Settings(new MigrateVm.Limits(config.pollInterval(), config.vmMigrationTimeout(), config.destinationLossTolerance()),
                    config.maxConcurrentMigrations(), config.trust(), READS);
        }
    }

    /** Reads of the nodes made side by side (VERIFIED's digests): a few daemon threads, idle ones ended. */
    private static final java.util.concurrent.Executor READS = java.util.concurrent.Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "node-reads");
        thread.setDaemon(true);
        return thread;
    });

    public static Services build(EngineConfig config, MigrationJournal journal, NodeClients clients, HostAttester attester,
            ReceiptSigner receipts, EngineMetrics metrics, Clock clock) {
        Map<String, Integer> limits = config.hosts().stream().collect(Collectors.toMap(HostConfig::name, HostConfig::maxMigrations));
        HostSlots slots = new HostSlots(limits);
        TargetSelector selector = new TargetSelector(clients, attester, TargetStrategies.defaults(),
                config.suite().name().toLowerCase(Locale.ROOT), slots::inUse);
        VtpcmLocator locator = new VtpcmLocator(clients);
        Assembly assembly = assemble(Settings.of(config), journal, clients, new SelectTarget(selector, journal),
                new AttestDestination(attester), locator::find,
                slots, receipts, metrics, clock, Pacer.SLEEP);
        return new Services(assembly.coordinator(), assembly.nova());
    }

    /** Every part of the protocol, for the unit tests that drive one directly. */
    record Assembly(MigrationOpener opener, MigrationRunner runner, Rollback rollback, MigrationCoordinator coordinator, NovaHooks nova) {
    }

    /** The same over any node directory, target selection and clock: what the protocol's unit tests assemble. */
    static Assembly assemble(Settings settings, MigrationJournal journal, NodeDirectory nodes, SelectTarget selectTarget,
            AttestDestination attestDestination, Function<String, Optional<AssociationView>> locator, HostSlots slots,
            ReceiptSigner receipts, EngineMetrics metrics, Clock clock, Pacer pacer) {
        Switchovers switchovers = new Switchovers(journal);
        PrepareDestination prepareDestination = new PrepareDestination(nodes);
        SendTpcmState sendTpcmState = new SendTpcmState(nodes);
        MigrateVm migrateVm = new MigrateVm(nodes, journal, switchovers, clock, pacer, settings.vmMigration());
        Rollback rollback = new Rollback(nodes, journal, clock, pacer);
        MigrationRunner.Phases phases = new MigrationRunner.Phases(List.of(selectTarget, attestDestination, prepareDestination,
                sendTpcmState), migrateVm, new VerifyState(nodes, journal, clock, pacer, settings.reads()), new CommitMigration(nodes));
        MigrationRunner runner = new MigrationRunner(journal, phases, rollback, switchovers, receipts, metrics, clock, pacer);
        MigrationOpener opener = new MigrationOpener(journal, locator);
        NovaHooks nova = new NovaHooks(opener, journal, runner, new NovaHooks.BeforeSwitchover(selectTarget, attestDestination,
                prepareDestination, sendTpcmState), switchovers, new VmPlacement(nodes), metrics, clock, settings.trust());
        MigrationCoordinator coordinator = new MigrationCoordinator(journal, nodes, opener, runner, rollback, slots, metrics,
                settings.maxConcurrentMigrations(), nova, settings.trust().allowPlaintext());
        return new Assembly(opener, runner, rollback, coordinator, nova);
    }
}
