package org.vtpcm.engine.attestation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.attestation.PlatformEvent;
import org.vtpcm.attestation.Quote;
import org.vtpcm.attestation.QuoteVerdict;
import org.vtpcm.attestation.QuoteVerifier;
import org.vtpcm.attestation.ReferenceValues;
import org.vtpcm.attestation.tpm2.TpmPublicArea;
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.manager.client.ManagerClient;
import org.vtpcm.manager.client.ManagerClientException;
import org.vtpcm.manager.node.EnrollmentAuthority;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.Pem;

/**
 * Attests a node: asks its manager for a TPM quote over a fresh nonce, checks the AK certificate
 * was issued by the cloud CA for that node and matches the quoting key, then verifies the quote
 * and its event log against the reference values. Remembers the last result per host.
 */
public final class HostAttester {
    private static final Logger LOG = LoggerFactory.getLogger(HostAttester.class);

    private final NodeClients nodes;
    private final CloudCa ca;
    private final ReferenceValueStore references;
    private final Clock clock;
    private final QuoteVerifier verifier = new QuoteVerifier();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, AttestationResult> last = new ConcurrentHashMap<>();

    public HostAttester(NodeClients nodes, CloudCa ca, ReferenceValueStore references, Clock clock) {
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.ca = requireNonNull(ca, "ca is null");
        this.references = requireNonNull(references, "references is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Attests with a nonce of the caller's (a migration's), and remembers the result. */
    public AttestationResult attest(String host, byte[] nonce) {
        AttestationResult result;
        try {
            JsonNode evidence = nodes.attestationClient(host).quote(nonce);
            List<String> problems = checkIdentity(host, evidence);
            ReferenceValues reference = references.asReferenceValues();
            if (reference.size() == 0) {
                problems.add("no reference values are registered (trust a known-good host first)");
            } else {
                problems.addAll(verify(evidence, nonce, reference).problems());
            }
            result = new AttestationResult(host, problems.isEmpty() ? AttestationState.TRUSTED : AttestationState.UNTRUSTED, clock.instant(),
                    problems);
        } catch (ManagerClientException e) {
            // a node that stalls its quote past attestation.host-timeout-seconds is not trusted, whatever it says later
            boolean stalled = ManagerClient.TIMEOUT_CODE.equals(e.code());
            result = new AttestationResult(host, stalled ? AttestationState.UNTRUSTED : AttestationState.UNREACHABLE, clock.instant(),
                    List.of(stalled ? "attestation timed out: " + e.getMessage() : e.getMessage()));
        }
        last.put(host, result);
        LOG.info("host {} attested: {}", host, result.summary());
        return result;
    }

    /** Attests with a fresh nonce of its own. */
    public AttestationResult attest(String host) {
        return attest(host, freshNonce());
    }

    /**
     * Records the host's currently measured platform as reference values, after checking that the
     * quote is genuine (CA-issued AK of this host, valid signature, log matching the PCRs).
     *
     * @return how many values were new
     */
    public int trust(String host) {
        byte[] nonce = freshNonce();
        JsonNode evidence = nodes.client(host).quote(nonce);
        List<String> problems = checkIdentity(host, evidence);
        List<PlatformEvent> events = events(evidence);
        problems.addAll(verify(evidence, nonce, ReferenceValues.fromEvents(events)).problems());
        if (!problems.isEmpty()) {
            throw new AttestationException("host " + host + " cannot be trusted: " + String.join("; ", problems));
        }
        int before = references.list().size();
        for (PlatformEvent event : events) {
            references.add(event.pcr(), event.description(), HexFormat.of().formatHex(event.sha256Digest()),
                    "measured on " + host + " at " + clock.instant());
        }
        int added = references.list().size() - before;
        LOG.info("host {} trusted: {} new reference values", host, added);
        return added;
    }

    /** The last result for a host, UNKNOWN when never attested. */
    public AttestationResult last(String host) {
        return last.getOrDefault(host, new AttestationResult(host, AttestationState.UNKNOWN, null, List.of()));
    }

    private byte[] freshNonce() {
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        return nonce;
    }

    private List<String> checkIdentity(String host, JsonNode evidence) {
        List<String> problems = new ArrayList<>();
        if (!host.equals(evidence.path("node").asText())) {
            problems.add("the quote names node '" + evidence.path("node").asText() + "', not " + host);
        }
        X509Certificate certificate;
        try {
            certificate = Pem.certificateFromPem(evidence.path("akCertificatePem").asText());
        } catch (RuntimeException e) {
            problems.add("no valid AK certificate (is the node enrolled?)");
            return problems;
        }
        if (!ca.issued(certificate)) {
            problems.add("the AK certificate was not issued by the cloud CA or has expired");
        }
        if (!certificate.getSubjectX500Principal().getName().contains("CN=" + host + " attestation key")) {
            problems.add("the AK certificate is for '" + certificate.getSubjectX500Principal().getName() + "', not " + host);
        }
        try {
            List<String> usages = certificate.getExtendedKeyUsage();
            if (usages == null || !usages.contains(EnrollmentAuthority.AK_CERTIFICATE_PURPOSE)) {
                problems.add("the AK certificate is not an attestation key certificate (extended key usage)");
            }
        } catch (CertificateParsingException e) {
            problems.add("the AK certificate's extended key usage is malformed");
        }
        try {
            PublicKey quoting = TpmPublicArea.parse(HexFormat.of().parseHex(evidence.path("akPublicArea").asText())).toPublicKey();
            if (!MessageDigest.isEqual(quoting.getEncoded(), certificate.getPublicKey().getEncoded())) {
                problems.add("the quoting key is not the certified attestation key");
            }
        } catch (RuntimeException e) {
            problems.add("the AK public area is malformed");
        }
        return problems;
    }

    private QuoteVerdict verify(JsonNode evidence, byte[] nonce, ReferenceValues reference) {
        HexFormat hex = HexFormat.of();
        try {
            Map<Integer, byte[]> pcrs = new TreeMap<>();
            evidence.path("pcrValues").fields().forEachRemaining(e -> pcrs.put(Integer.parseInt(e.getKey()), hex.parseHex(e.getValue().asText())));
            Quote quote = new Quote(hex.parseHex(evidence.path("attest").asText()), hex.parseHex(evidence.path("signature").asText()), pcrs);
            return verifier.verify(hex.parseHex(evidence.path("akPublicArea").asText()), nonce, quote, events(evidence), reference);
        } catch (RuntimeException e) {
            return new QuoteVerdict(false, List.of("the quote is malformed: " + e.getMessage()));
        }
    }

    private static List<PlatformEvent> events(JsonNode evidence) {
        List<PlatformEvent> events = new ArrayList<>();
        for (JsonNode event : evidence.path("eventLog")) {
            events.add(new PlatformEvent(event.path("pcr").asInt(), event.path("description").asText(),
                    HexFormat.of().parseHex(event.path("digest").asText())));
        }
        return events;
    }
}
