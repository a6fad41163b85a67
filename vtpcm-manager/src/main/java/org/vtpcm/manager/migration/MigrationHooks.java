package org.vtpcm.manager.migration;

import static java.util.Objects.requireNonNull;

import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.ControlPolicy;
import org.vtpcm.manager.association.IllegalTransitionException;
import org.vtpcm.manager.association.VtpcmState;
import org.vtpcm.manager.engine.TpmEngines;
import org.vtpcm.manager.keys.VtpcmKeys;
import org.vtpcm.manager.keys.VtpcmSecretStore;

/**
 * The manager's side of the synchronized migration protocol, called by the migration engine and by
 * the Nova driver extension. The state moves (prepare incoming, freeze, abort) are complete here;
 * the state transfer (export, stage, verify, commit) is delivered with the status collector.
 */
public final class MigrationHooks {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationHooks.class);

    private final String nodeName;
    private final AssociationStore associations;
    private final VtpcmSecretStore secrets;
    private final TpmEngines engines;
    private final IncomingMigrations incoming;
    private final org.vtpcm.protocol.crypto.CryptoSuite suite;

    public MigrationHooks(String nodeName, AssociationStore associations, VtpcmSecretStore secrets, TpmEngines engines,
            IncomingMigrations incoming, org.vtpcm.protocol.crypto.CryptoSuite suite) {
        this.incoming = requireNonNull(incoming, "incoming is null");
        this.suite = requireNonNull(suite, "suite is null");
        this.nodeName = requireNonNull(nodeName, "nodeName is null");
        this.associations = requireNonNull(associations, "associations is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.engines = requireNonNull(engines, "engines is null");
    }

    /**
     * Destination: creates the incoming vTPCM in MIGRATING_IN and starts its engine with empty
     * state, which libvirt's external TPM backend needs before the VM migration starts.
     */
    public synchronized Prepared prepareIncoming(UUID migrationId, UUID vtpcmId, UUID vmUuid, String vmName, long epoch,
            ControlPolicy policy, byte[] nonce) {
        return prepareIncoming(migrationId, vtpcmId, vmUuid, vmName, epoch, policy, nonce, java.util.Optional.empty(),
                java.util.Optional.empty());
    }

    /** As above, naming the source node and its bundle signing key, which the chunked transfer from that node needs. */
    public synchronized Prepared prepareIncoming(UUID migrationId, UUID vtpcmId, UUID vmUuid, String vmName, long epoch,
            ControlPolicy policy, byte[] nonce, java.util.Optional<String> sourceNode,
            java.util.Optional<java.security.PublicKey> sourceSigningKey) {
        Association row = associations.create(vtpcmId, vmUuid, vmName, VtpcmState.MIGRATING_IN, epoch, nodeName, policy);
        java.security.KeyPair ephemeral = suite.generateSigningKeyPair();
        try {
            VtpcmKeys keys = secrets.create(vtpcmId);
            engines.start(vtpcmId, keys.stateKey(), true);
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

    /** Source: freezes the TPCM layer of a running vTPCM. */
    public synchronized Association freeze(UUID migrationId, UUID vmUuid) {
        Association row = associations.live(vmUuid);
        Association frozen = associations.transition(row.vtpcmId(), VtpcmState.RUNNING, VtpcmState.FROZEN, "migration " + migrationId);
        LOG.info("migration {}: vtpcm {} frozen", migrationId, row.vtpcmId());
        return frozen;
    }

    /**
     * Either side, before the switchover: the source returns to RUNNING; the destination's incoming
     * vTPCM is stopped and erased. Idempotent for a vTPCM already back to RUNNING or gone.
     */
    public synchronized Association abort(UUID migrationId, UUID vmUuid) {
        Association row = associations.live(vmUuid);
        Association after = switch (row.state()) {
            // an aborted attempt consumes its epoch: the next attempt is newer than anything the failed one left at a
            // destination (a DESTROYED incoming row), and a bundle of the failed attempt can never be replayed
            case FROZEN, MIGRATING_OUT -> associations.transition(row.vtpcmId(), row.state(), VtpcmState.RUNNING, row.epoch() + 1,
                    "migration " + migrationId + " aborted; epoch " + (row.epoch() + 1) + " consumed by the attempt");
            case MIGRATING_IN, STAGED -> {
                incoming.remove(migrationId);
                engines.stop(row.vtpcmId());
                engines.eraseState(row.vtpcmId());
                secrets.erase(row.vtpcmId());
                yield associations.transition(row.vtpcmId(), row.state(), VtpcmState.DESTROYED, "migration " + migrationId + " aborted");
            }
            case RUNNING -> row;
            default -> throw new IllegalTransitionException("migration " + migrationId + " cannot be aborted: vTPCM is " + row.state());
        };
        LOG.info("migration {}: aborted for vtpcm {} ({} -> {})", migrationId, row.vtpcmId(), row.state(), after.state());
        return after;
    }

}
