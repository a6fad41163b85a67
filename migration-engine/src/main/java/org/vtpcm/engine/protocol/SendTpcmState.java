package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import org.vtpcm.engine.hosts.NodeDirectory;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.BundleStatus;
import org.vtpcm.nodeapi.NodeApi;
import org.vtpcm.nodeapi.SendRequest;
import org.vtpcm.nodeapi.SendView;

/**
 * TPCM_STATE_SENT: the source freezes the TPCM layer and seals the bundle (signed by the source node,
 * encrypted to the destination's ephemeral key); the phase ends once the vTPCM is MIGRATING_OUT with
 * its bundle sealed. The source then pushes it straight to the destination's manager over mutual TLS
 * in the background, while the VM's memory pre-copy runs: the VM migration follows the push
 * ({@link MigrateVm} aborts it if the push fails before the switchover) and {@link VerifyState}
 * waits for the destination to have staged it.
 */
final class SendTpcmState implements PhaseStep {
    private final NodeDirectory nodes;

    SendTpcmState(NodeDirectory nodes) {
        this.nodes = requireNonNull(nodes, "nodes is null");
    }

    @Override
    public Phase phase() {
        return Phase.TPCM_STATE_SENT;
    }

    @Override
    public String intent(MigrationContext context) {
        return "freeze on " + context.sourceHost() + ", seal the bundle for " + context.destinationName()
                + " and push it there while the VM migrates";
    }

    @Override
    public Step run(ActiveRun run) {
        MigrationContext context = run.context();
        NodeApi source = nodes.node(context.sourceHost());
        source.freeze(context.id(), context.vmUuid());
        SendView sent = source.send(context.id(), request(context));
        BundleStatus push = sent.push();
        if (push == null || push.failed()) {
            throw new ProtocolRefusal("the source did not begin the push of the bundle to " + context.destinationName()
                    + (push == null ? "" : ": " + push.error()));
        }
        return new Step(context, "bundle of " + sent.bundleBytes() + " bytes sealed in " + sent.millis() + " ms; on its way to "
                + context.destinationName());
    }

    /** The send of the migration's bundle in the background. */
    static SendRequest request(MigrationContext context) {
        return new SendRequest(context.vmUuid(), context.destinationName(), context.destination().manager().toString(),
                context.nonceHex(), context.ephemeralPublicKey(), 1, true);
    }

    /** The same bundle again (the destination's ephemeral key is not kept across an engine restart, and the source needs none). */
    static SendRequest again(MigrationContext context) {
        return new SendRequest(context.vmUuid(), context.destinationName(), context.destination().manager().toString(), null, null, 1,
                true);
    }
}
