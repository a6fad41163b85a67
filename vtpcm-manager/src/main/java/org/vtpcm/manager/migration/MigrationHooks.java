package org.vtpcm.manager.migration;

import static java.util.Objects.requireNonNull;

import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.ControlPolicy;
import org.vtpcm.manager.association.IllegalTransitionException;
import org.vtpcm.manager.association.MigrationMismatchException;
import org.vtpcm.manager.association.VtpcmState;
import org.vtpcm.manager.engine.TpmEngines;
import org.vtpcm.manager.keys.VtpcmKeys;
import org.vtpcm.manager.keys.VtpcmSecretStore;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.manager.libvirt.LibvirtHost;

/**
 * The manager's side of the synchronized migration protocol, called only by the migration engine
 * (also when Nova drives the migration: the driver calls the engine, never these hooks). The state
 * moves (prepare incoming, freeze, abort) are here; the state transfer (export, stage, verify,
 * commit) is {@link StateTransferHooks}.
 */
public final class MigrationHooks {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationHooks.class);
    private static final java.time.Duration DEPARTURE_WAIT = java.time.Duration.ofSeconds(30);

    private final String nodeName;
    private final AssociationStore associations;
    private final VtpcmSecretStore secrets;
    private final TpmEngines engines;
    private final IncomingMigrations incoming;
    private final org.vtpcm.protocol.crypto.CryptoSuite suite;
    private final LibvirtHost libvirt;
    private final java.util.function.Function<UUID, VmMigrations.Departure> departures;

    /** @param libvirt this node's libvirtd: whether a source's domain is still here decides whether it may be unfrozen */
    public MigrationHooks(String nodeName, AssociationStore associations, VtpcmSecretStore secrets, TpmEngines engines,
            IncomingMigrations incoming, org.vtpcm.protocol.crypto.CryptoSuite suite, LibvirtHost libvirt,
            java.util.function.Function<UUID, VmMigrations.Departure> departures) {
        this.departures = requireNonNull(departures, "departures is null");
        this.libvirt = requireNonNull(libvirt, "libvirt is null");
        this.incoming = requireNonNull(incoming, "incoming is null");
        this.suite = requireNonNull(suite, "suite is null");
        this.nodeName = requireNonNull(nodeName, "nodeName is null");
        this.associations = requireNonNull(associations, "associations is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.engines = requireNonNull(engines, "engines is null");
    }

    /**
     * Destination: creates the incoming vTPCM in MIGRATING_IN and gives it an engine with empty state
     * (a ready one from the pool), which libvirt's external TPM backend needs before the VM migration starts.
     */
    public Prepared prepareIncoming(UUID migrationId, UUID vtpcmId, UUID vmUuid, String vmName, long epoch,
            ControlPolicy policy, byte[] nonce) {
        return prepareIncoming(migrationId, vtpcmId, vmUuid, vmName, epoch, policy, nonce, java.util.Optional.empty(),
                java.util.Optional.empty());
    }

    /**
     * As above, naming the source node and its bundle signing key, which the chunked transfer from that
     * node needs. A VM coming straight back finds its old domain here still being stopped by libvirt
     * (its earlier migration away was committed at the switchover, 1-2 s before libvirt's job ended):
     * that job must end before libvirt can take the VM in again, so the preparation waits for it first.
     */
    public Prepared prepareIncoming(UUID migrationId, UUID vtpcmId, UUID vmUuid, String vmName, long epoch,
            ControlPolicy policy, byte[] nonce, java.util.Optional<String> sourceNode,
            java.util.Optional<java.security.PublicKey> sourceSigningKey) {
        awaitDeparted(migrationId, vmUuid);
        return prepare(migrationId, vtpcmId, vmUuid, vmName, epoch, policy, nonce, sourceNode, sourceSigningKey);
    }

    private void awaitDeparted(UUID migrationId, UUID vmUuid) {
        long deadline = System.nanoTime() + DEPARTURE_WAIT.toNanos();
        while (departures.apply(vmUuid) != VmMigrations.Departure.NONE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalTransitionException("migration " + migrationId + ": libvirt is still moving VM " + vmUuid + " away from "
                        + nodeName + " after " + DEPARTURE_WAIT.toSeconds() + " s; it cannot come back before that job ends");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalTransitionException("migration " + migrationId + ": interrupted while waiting for libvirt's earlier job");
            }
        }
    }

    private synchronized Prepared prepare(UUID migrationId, UUID vtpcmId, UUID vmUuid, String vmName, long epoch,
            ControlPolicy policy, byte[] nonce, java.util.Optional<String> sourceNode,
            java.util.Optional<java.security.PublicKey> sourceSigningKey) {
        Association row = associations.create(vtpcmId, vmUuid, vmName, VtpcmState.MIGRATING_IN, epoch, nodeName, policy,
                java.util.Optional.of(migrationId));
        java.security.KeyPair ephemeral = suite.generateSigningKeyPair();
        try {
            VtpcmKeys keys = secrets.create(vtpcmId);
            // a ready engine from the node's pool, with its own fresh at-rest key: that key becomes the vTPCM's state key
            byte[] stateKey = engines.startIncoming(vtpcmId);
            secrets.store(vtpcmId, new VtpcmKeys(keys.identityPublic(), keys.identityPrivate(), stateKey));
        } catch (RuntimeException e) {
            secrets.erase(vtpcmId);
            associations.transition(vtpcmId, VtpcmState.MIGRATING_IN, VtpcmState.DESTROYED, "prepare failed: " + e.getMessage());
            throw e;
        }
        incoming.add(new IncomingMigrations.Prepared(migrationId, vtpcmId, vmUuid, epoch, nonce, ephemeral, sourceNode,
                sourceSigningKey));
        LOG.info("migration {}: prepared incoming vtpcm {} for vm {} (epoch {})", migrationId, vtpcmId, vmUuid, epoch);
        return new Prepared(row, ephemeral.getPublic());
    }

    /** A prepared incoming vTPCM and the ephemeral key its bundle must be encrypted to. */
    public record Prepared(Association association, java.security.PublicKey ephemeralPublicKey) {
    }

    /** Source: freezes the TPCM layer of a running vTPCM, which is from now on in this migration (and no other). */
    public synchronized Association freeze(UUID migrationId, UUID vmUuid) {
        Association row = associations.live(vmUuid);
        Association frozen = associations.beginMigration(migrationId, row.vtpcmId(), "migration " + migrationId);
        LOG.info("migration {}: vtpcm {} frozen", migrationId, row.vtpcmId());
        return frozen;
    }

    /**
     * Either side, before the switchover, for the vTPCM's current migration only: the source returns
     * to RUNNING if its domain is still active here; the destination's incoming vTPCM is stopped and
     * erased. A vTPCM in no migration (RUNNING) is left as it is, so a repeated abort answers the same.
     */
    public synchronized Association abort(UUID migrationId, UUID vmUuid) {
        Association row = associations.live(vmUuid);
        if (row.state() == VtpcmState.RUNNING && row.migration().isEmpty()) {
            return row;
        }
        if (row.migration().isPresent() || !row.state().inMigration()) {
            MigrationMismatchException.requireCurrent(row, migrationId);
        } else {
            // a row from before migrations were recorded: it names none, so an abort may still bring it back
            LOG.warn("migration {}: vtpcm {} is {} without a recorded migration; aborting it", migrationId, row.vtpcmId(), row.state());
        }
        Association after = switch (row.state()) {
            // an aborted attempt consumes its epoch: the next attempt is newer than anything the failed one left at a
            // destination (a DESTROYED incoming row), and a bundle of the failed attempt can never be replayed
            case FROZEN, MIGRATING_OUT -> {
                requireDomainHere(migrationId, row);
                yield leave(row, migrationId, VtpcmState.RUNNING, row.epoch() + 1,
                        "migration " + migrationId + " aborted; epoch " + (row.epoch() + 1) + " consumed by the attempt");
            }
            case MIGRATING_IN, STAGED -> {
                incoming.remove(migrationId);
                engines.stop(row.vtpcmId());
                engines.eraseState(row.vtpcmId());
                secrets.erase(row.vtpcmId());
                yield leave(row, migrationId, VtpcmState.DESTROYED, -1, "migration " + migrationId + " aborted");
            }
            default -> throw new IllegalTransitionException("migration " + migrationId + " cannot be aborted: vTPCM is " + row.state());
        };
        LOG.info("migration {}: aborted for vtpcm {} ({} -> {})", migrationId, row.vtpcmId(), row.state(), after.state());
        return after;
    }

    /** Out of the migration, checking again (in the same transaction as the move) that the row is still in it. */
    private Association leave(Association row, UUID migrationId, VtpcmState to, long epoch, String reason) {
        return row.migration().isPresent()
                ? associations.transition(migrationId, row.vtpcmId(), row.state(), to, epoch, java.util.Optional.empty(), reason)
                : associations.transition(row.vtpcmId(), row.state(), to, epoch, reason);
    }

    /** The source may run its vTPCM again only while its domain is still active here, i.e. before the switchover. */
    private void requireDomainHere(UUID migrationId, Association row) {
        boolean active = libvirt.state(row.vmName()).map(DomainState::isActive).orElse(false);
        if (!active) {
            throw new MigrationMismatchException(MigrationMismatchException.Reason.PAST_SWITCHOVER, "migration " + migrationId
                    + ": the domain " + row.vmName() + " is no longer active on " + nodeName + " (migrated away); the vTPCM stays "
                    + row.state() + " and the migration can only be committed");
        }
    }
}
