package org.vtpcm.manager.node;

import org.vtpcm.attestation.enrollment.EnrollmentException;

import org.vtpcm.nodeapi.EnrollmentMessages;
import org.vtpcm.attestation.enrollment.CertifiedNode;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.vtpcm.attestation.Challenge;
import org.vtpcm.protocol.pki.Pem;

/**
 * Enrollment through the migration engine's enrollment endpoint ({@code enrollment.port}): HTTPS
 * without a client certificate, the engine authenticated by the pinned cloud CA and its name, the
 * node by its one-time token ({@code Authorization: Bearer}) and then by its TPM's answer. The
 * token is never part of a message this class writes or throws.
 */
public final class EngineEnrollment implements EnrollmentChannel {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_ANSWER_BYTES = 256 * 1024;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]{1,512}");

    private final URI engine;
    private final String token;
    private final CaPin ca;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * @param engine the enrollment endpoint, {@code https://HOST:PORT}
     * @throws IllegalArgumentException if the URL or the token is malformed (the token is not repeated)
     */
    public EngineEnrollment(URI engine, String token, CaPin ca) {
        this.engine = requireNonNull(engine, "engine is null");
        this.ca = requireNonNull(ca, "ca is null");
        if (!"https".equals(engine.getScheme()) || engine.getHost() == null || engine.getPort() < 1
                || !(engine.getPath() == null || engine.getPath().isEmpty() || "/".equals(engine.getPath()))) {
            throw new IllegalArgumentException("the engine's enrollment endpoint must be https://HOST:PORT, got " + engine);
        }
        if (token == null || !TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("the enrollment token is malformed (expected the token `vtpcm nodes token` printed)");
        }
        this.token = token;
        this.http = HttpClient.newBuilder().sslContext(ca.tls(org.vtpcm.protocol.pki.CloudCa.ENGINE_NAME)).connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public CredentialChallenge challenge(String nodeName, byte[] ekPublicArea, byte[] akPublicArea) {
        Base64.Encoder base64 = Base64.getEncoder();
        EnrollmentMessages.ChallengeResponse response = post(EnrollmentMessages.CHALLENGE_PATH, "the challenge request",
                new EnrollmentMessages.ChallengeRequest(nodeName, base64.encodeToString(ekPublicArea), base64.encodeToString(akPublicArea)),
                EnrollmentMessages.ChallengeResponse.class);
        try {
            return new CredentialChallenge(requireNonNull(response.challengeId(), "challengeId"), new Challenge(
                    Base64.getDecoder().decode(requireNonNull(response.credentialBlob(), "credentialBlob")),
                    Base64.getDecoder().decode(requireNonNull(response.encryptedSecret(), "encryptedSecret"))));
        } catch (NullPointerException | IllegalArgumentException e) {
            throw new EnrollmentException("the engine's challenge is malformed (" + e.getMessage() + ")");
        }
    }

    @Override
    public CertifiedNode answer(CredentialChallenge challenge, byte[] secret, PublicKey tlsKey, PublicKey migrationTlsKey,
            List<String> ipAddresses) {
        EnrollmentMessages.AnswerResponse response = post(EnrollmentMessages.ANSWER_PATH, "the answer",
                new EnrollmentMessages.AnswerRequest(challenge.id(), Base64.getEncoder().encodeToString(secret), Pem.toPem(tlsKey),
                        Pem.toPem(migrationTlsKey), List.copyOf(ipAddresses)), EnrollmentMessages.AnswerResponse.class);
        CertifiedNode certified;
        try {
            certified = new CertifiedNode(certificate(response.akCertificate()), certificate(response.tlsCertificate()),
                    certificate(response.migrationTlsCertificate()), certificate(response.caCertificate()));
        } catch (IllegalArgumentException e) {
            throw new EnrollmentException("the engine's certificates are malformed (" + e.getMessage() + ")");
        }
        if (!ca.matches(certified.caCertificate())) {
            throw new EnrollmentException("the engine answered with a CA certificate other than the pinned one (" + ca + ")");
        }
        return certified;
    }

    private static X509Certificate certificate(String pem) {
        if (pem == null) {
            throw new IllegalArgumentException("a certificate is missing");
        }
        return Pem.certificateFromPem(pem);
    }

    private <T> T post(String path, String what, Object body, Class<T> type) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(engine.resolve(path)).timeout(TIMEOUT).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + what, e);
        }
        HttpResponse<InputStream> response;
        byte[] bytes;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            }
        } catch (IOException e) {
            throw new EnrollmentException("cannot reach the engine's enrollment endpoint at " + engine + ": " + why(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnrollmentException("interrupted while enrolling with the engine at " + engine);
        }
        if (bytes.length > MAX_ANSWER_BYTES) {
            throw new EnrollmentException("the engine's answer to " + what + " is larger than " + MAX_ANSWER_BYTES + " bytes");
        }
        if (response.statusCode() != 200) {
            throw refusal(what, response.statusCode(), bytes);
        }
        try {
            T value = json.readValue(bytes, type);
            if (value == null) {
                throw new EnrollmentException("the engine answered " + what + " with an empty body");
            }
            return value;
        } catch (IOException e) {
            throw new EnrollmentException("the engine's answer to " + what + " is not the expected JSON");
        }
    }

    private EnrollmentException refusal(String what, int status, byte[] body) {
        String code = "HTTP_" + status;
        String message = "HTTP status " + status;
        try {
            JsonNode error = json.readTree(body);
            if (error != null && error.isObject()) {
                code = error.path("code").asText(code);
                message = error.path("message").asText(message);
            }
        } catch (IOException e) {
            // not the engine's error format (a proxy?): keep the status
        }
        return new EnrollmentException("the engine refused " + what + ": " + message + " (" + status + " " + code + ")");
    }

    private static String why(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof ConnectException) {
            return "connection refused (is enrollment.port set in the engine's configuration, and is this its address?)";
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                return cause.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }
}
