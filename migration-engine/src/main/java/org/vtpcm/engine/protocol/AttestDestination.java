package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import org.vtpcm.engine.attestation.AttestationResult;
import org.vtpcm.engine.attestation.HostAttester;
import org.vtpcm.engine.journal.Phase;

/** DEST_ATTESTED: the destination quotes over this migration's nonce; no proof, no state. */
final class AttestDestination implements PhaseStep {
    private final HostAttester attester;

    AttestDestination(HostAttester attester) {
        this.attester = requireNonNull(attester, "attester is null");
    }

    @Override
    public Phase phase() {
        return Phase.DEST_ATTESTED;
    }

    @Override
    public String intent(MigrationRun run) {
        return "quote of " + run.destinationName() + " over the migration nonce";
    }

    @Override
    public String run(MigrationRun run) {
        return check(run, attester.attest(run.destinationName(), run.nonce));
    }

    /** Attests the destination again over a fresh nonce (an old quote cannot be replayed), outside the phase order. */
    String renew(MigrationRun run) {
        return check(run, attester.attest(run.destinationName()));
    }

    private static String check(MigrationRun run, AttestationResult result) {
        if (!result.trusted()) {
            throw new ProtocolRefusal("destination " + run.destinationName() + " failed attestation: " + result.summary());
        }
        run.destinationAttestedAt = result.checkedAt();
        return "destination " + run.destinationName() + " trusted";
    }
}
