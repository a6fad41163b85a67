package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import org.vtpcm.engine.hosts.NodeDirectory;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.NodeApi;
import org.vtpcm.nodeapi.SendRequest;
import org.vtpcm.nodeapi.SendView;

/**
 * TPCM_STATE_SENT: the source freezes the TPCM layer, builds the bundle (signed by the source node,
 * encrypted to the destination's ephemeral key) and sends it straight to the destination's manager
 * over mutual TLS; the destination verifies and stages it.
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
        return "freeze on " + context.sourceHost() + ", send the bundle to " + context.destinationName();
    }

    @Override
    public Step run(ActiveRun run) {
        MigrationContext context = run.context();
        NodeApi source = nodes.node(context.sourceHost());
        source.freeze(context.id(), context.vmUuid());
        SendView sent = source.send(context.id(), new SendRequest(context.vmUuid(), context.destinationName(),
                context.destination().manager().toString(), context.nonceHex(), context.ephemeralPublicKey(), 1));
        String state = sent.staged() == null ? null : sent.staged().state();
        if (!AssociationView.STAGED.equals(state)) {
            throw new ProtocolRefusal("the destination did not stage the bundle (state " + state + ")");
        }
        return new Step(context, "bundle of " + sent.bundleBytes() + " bytes staged on " + context.destinationName() + " in "
                + sent.chunks() + " chunk(s), " + sent.retries() + " retries");
    }
}
