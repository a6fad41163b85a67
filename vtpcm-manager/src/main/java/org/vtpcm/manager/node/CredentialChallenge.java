package org.vtpcm.manager.node;

import static java.util.Objects.requireNonNull;

import org.vtpcm.attestation.Challenge;

/** The CA's MakeCredential challenge to a node, with the id its answer must name. */
public record CredentialChallenge(String id, Challenge challenge) {
    public CredentialChallenge {
        requireNonNull(id, "id is null");
        requireNonNull(challenge, "challenge is null");
    }
}
