package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import org.vtpcm.engine.hosts.NodeDirectory;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.PrepareIncomingRequest;
import org.vtpcm.nodeapi.PrepareView;

/**
 * DEST_PREPARED: the destination creates the incoming vTPCM (MIGRATING_IN) with an empty engine and
 * an ephemeral key for the bundle; it learns which node's signing key the bundle must carry.
 */
final class PrepareDestination implements PhaseStep {
    private final NodeDirectory nodes;

    PrepareDestination(NodeDirectory nodes) {
        this.nodes = requireNonNull(nodes, "nodes is null");
    }

    @Override
    public Phase phase() {
        return Phase.DEST_PREPARED;
    }

    @Override
    public String intent(MigrationContext context) {
        return "prepare incoming vTPCM " + context.source().vtpcmId() + " on " + context.destinationName() + " at epoch "
                + context.newEpoch();
    }

    @Override
    public Step run(ActiveRun run) {
        MigrationContext context = run.context();
        SourceVtpcm source = context.source();
        String sourceKey = nodes.node(source.host()).node().bundleSigningKey();
        PrepareView prepared = nodes.node(context.destinationName()).prepareIncoming(context.id(), new PrepareIncomingRequest(
                source.vtpcmId(), context.vmUuid(), source.vmName(), context.newEpoch(), source.policy(), context.nonceHex(), source.host(),
                sourceKey));
        if (prepared.ephemeralPublicKey() == null || prepared.ephemeralPublicKey().isEmpty()) {
            throw new ProtocolRefusal("destination " + context.destinationName() + " returned no ephemeral key");
        }
        return new Step(context.withEphemeralPublicKey(prepared.ephemeralPublicKey()), "incoming vTPCM ready on "
                + context.destinationName());
    }
}
