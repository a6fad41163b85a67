package org.vtpcm.nodeapi;

import java.util.List;

/**
 * The JSON bodies of the engine's enrollment exchange ({@code docs/engine-api.md}), shared by the
 * engine and the node. Binary TPM structures are base64, keys and certificates PEM. The token
 * travels in the {@code Authorization: Bearer} header, never in a body.
 */
public final class EnrollmentMessages {
    /** The exchange's two routes, served only on the engine's enrollment port. */
    public static final String CHALLENGE_PATH = "/v1/enrollment/challenge";
    public static final String ANSWER_PATH = "/v1/enrollment/answer";

    private EnrollmentMessages() {
    }

    /** {@code POST /v1/enrollment/challenge}: who enrolls, its EK's and AK's TPMT_PUBLIC (base64). */
    public record ChallengeRequest(String node, String ekPublicArea, String akPublicArea) {
    }

    /** The MakeCredential output (base64) and until when it may be answered (ISO-8601). */
    public record ChallengeResponse(String challengeId, String credentialBlob, String encryptedSecret, String expiresAt) {
    }

    /** {@code POST /v1/enrollment/answer}: the recovered secret (base64), the node's public TLS keys (PEM), its IP addresses. */
    public record AnswerRequest(String challengeId, String secret, String tlsPublicKey, String migrationTlsPublicKey,
            List<String> ipAddresses) {
    }

    /** The certificates (PEM). */
    public record AnswerResponse(String node, String akCertificate, String tlsCertificate, String migrationTlsCertificate,
            String caCertificate) {
    }
}
