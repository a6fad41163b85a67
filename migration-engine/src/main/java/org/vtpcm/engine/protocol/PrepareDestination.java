package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import org.vtpcm.engine.journal.Phase;

/**
 * DEST_PREPARED: the destination creates the incoming vTPCM (MIGRATING_IN) with an empty engine and
 * an ephemeral key for the bundle; it learns which node's signing key the bundle must carry.
 */
final class PrepareDestination implements PhaseStep {
    private final Nodes nodes;

    PrepareDestination(Nodes nodes) {
        this.nodes = requireNonNull(nodes, "nodes is null");
    }

    @Override
    public Phase phase() {
        return Phase.DEST_PREPARED;
    }

    @Override
    public String intent(MigrationRun run) {
        return "prepare incoming vTPCM " + run.vtpcmId + " on " + run.destinationName() + " at epoch " + run.newEpoch();
    }

    @Override
    public String run(MigrationRun run) {
        String sourceKey = nodes.client(run.source).node().path("bundleSigningKey").asText();
        JsonNode prepared = nodes.post(run.destinationName(), run.id, "prepare-incoming", nodes.body()
                .put("vtpcmId", run.vtpcmId.toString()).put("vmUuid", run.vmUuid.toString()).put("vmName", run.vmName)
                .put("epoch", run.newEpoch()).put("policy", run.policy).put("nonce", run.nonceHex())
                .put("sourceNode", run.source).put("sourceSigningKey", sourceKey));
        run.ephemeralPublicKey = prepared.path("ephemeralPublicKey").asText();
        if (run.ephemeralPublicKey.isEmpty()) {
            throw new ProtocolRefusal("destination " + run.destinationName() + " returned no ephemeral key");
        }
        return "incoming vTPCM ready on " + run.destinationName();
    }
}
