package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import org.vtpcm.engine.attestation.AttestationResult;
import org.vtpcm.engine.attestation.DestinationAttestation;
import org.vtpcm.engine.journal.Phase;

/** DEST_ATTESTED: the destination quotes over this migration's nonce; no proof, no state. */
final class AttestDestination implements PhaseStep {
    private final DestinationAttestation attester;

    AttestDestination(DestinationAttestation attester) {
        this.attester = requireNonNull(attester, "attester is null");
    }

    @Override
    public Phase phase() {
        return Phase.DEST_ATTESTED;
    }

    @Override
    public String intent(MigrationContext context) {
        return "quote of " + context.destinationName() + " over the migration nonce";
    }

    @Override
    public Step run(ActiveRun run) {
        MigrationContext context = run.context();
        return check(context, attester.attest(context.destinationName(), context.nonce()));
    }

    /** Attests the destination again over a fresh nonce (an old quote cannot be replayed), outside the phase order. */
    MigrationContext renew(MigrationContext context) {
        return check(context, attester.attest(context.destinationName())).context();
    }

    private static Step check(MigrationContext context, AttestationResult result) {
        if (!result.trusted()) {
            throw new ProtocolRefusal("destination " + context.destinationName() + " failed attestation: " + result.summary());
        }
        return new Step(context.withDestinationAttestedAt(result.checkedAt()), "destination " + context.destinationName() + " trusted");
    }
}
