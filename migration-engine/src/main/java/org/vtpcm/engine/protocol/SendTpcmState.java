package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import org.vtpcm.engine.journal.Phase;

/**
 * TPCM_STATE_SENT: the source freezes the TPCM layer, builds the bundle (signed by the source node,
 * encrypted to the destination's ephemeral key) and sends it straight to the destination's manager
 * over mutual TLS; the destination verifies and stages it.
 */
final class SendTpcmState implements PhaseStep {
    private final Nodes nodes;

    SendTpcmState(Nodes nodes) {
        this.nodes = requireNonNull(nodes, "nodes is null");
    }

    @Override
    public Phase phase() {
        return Phase.TPCM_STATE_SENT;
    }

    @Override
    public String intent(MigrationRun run) {
        return "freeze on " + run.source + ", send the bundle to " + run.destinationName();
    }

    @Override
    public String run(MigrationRun run) {
        nodes.post(run.source, run.id, "freeze", nodes.vmBody(run.vmUuid));
        JsonNode sent = nodes.post(run.source, run.id, "send", nodes.vmBody(run.vmUuid).put("destinationNode", run.destinationName())
                .put("destinationManager", run.destination.manager().toString()).put("nonce", run.nonceHex())
                .put("ephemeralPublicKey", run.ephemeralPublicKey).put("streams", 1));
        String state = sent.path("staged").path("state").asText();
        if (!"STAGED".equals(state)) {
            throw new ProtocolRefusal("the destination did not stage the bundle (state " + state + ")");
        }
        return "bundle of " + sent.path("bundleBytes").asLong() + " bytes staged on " + run.destinationName() + " in "
                + sent.path("chunks").asInt() + " chunk(s), " + sent.path("retries").asInt() + " retries";
    }
}
