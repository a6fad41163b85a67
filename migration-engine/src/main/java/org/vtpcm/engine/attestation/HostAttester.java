package org.vtpcm.engine.attestation;

import static java.util.Objects.requireNonNull;

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
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.attestation.PlatformEvent;
import org.vtpcm.attestation.Quote;
import org.vtpcm.attestation.QuoteVerdict;
import org.vtpcm.attestation.QuoteVerifier;
import org.vtpcm.attestation.ReferenceValues;
import org.vtpcm.attestation.tpm2.TpmPublicArea;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.hosts.UnknownHostException;
import org.vtpcm.nodeapi.ManagerClient;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.nodeapi.QuoteEvidence;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.Pem;

/**
 * Attests a node: asks its manager for a TPM quote over a fresh nonce, checks the AK certificate
 * was issued by the cloud CA for that node and matches the quoting key, that the quoting key is the
 * AK the node enrolled with (and the certificate that of its latest enrollment), then verifies the
 * quote and its event log under the host's policy: its class's required PCRs, and the reference
 * values that apply to it (global, its class's, its own). Remembers the last result per host.
 */
public final class HostAttester implements DestinationAttestation {
    private static final Logger LOG = LoggerFactory.getLogger(HostAttester.class);

    private final QuoteSource quotes;
    private final Map<String, HostConfig> hosts;
    private final CloudCa ca;
    private final EnrolledAks enrolled;
    private final ReferenceValueStore references;
    private final Clock clock;
    private final QuoteVerifier verifier = new QuoteVerifier();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, AttestationResult> last = new ConcurrentHashMap<>();

    public HostAttester(QuoteSource quotes, List<HostConfig> hosts, CloudCa ca, EnrolledAks enrolled, ReferenceValueStore references,
            Clock clock) {
        this.quotes = requireNonNull(quotes, "quotes is null");
        this.hosts = hosts.stream().collect(Collectors.toUnmodifiableMap(HostConfig::name, Function.identity()));
        this.ca = requireNonNull(ca, "ca is null");
        this.enrolled = requireNonNull(enrolled, "enrolled is null");
        this.references = requireNonNull(references, "references is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Attests with a nonce of the caller's (a migration's), and remembers the result. */
    @Override
    public AttestationResult attest(String host, byte[] nonce) {
        HostConfig config = host(host);
        AttestationResult result;
        try {
            List<String> problems = new ArrayList<>();
            Optional<QuoteEvidence> evidence = evidence(host, nonce, problems);
            if (evidence.isPresent()) {
                problems.addAll(checkIdentity(host, evidence.get()));
                ReferenceValues reference = references.forHost(host, config.hostClass());
                if (reference.size() == 0) {
                    problems.add("no reference values apply to " + host + " (global, class:" + config.hostClass() + " or host:" + host
                            + "; trust a known-good host first)");
                } else {
                    problems.addAll(verify(evidence.get(), nonce, reference, config).problems());
                }
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
    @Override
    public AttestationResult attest(String host) {
        return attest(host, freshNonce());
    }

    /** {@link #trust(String, String)} with global reference values. */
    public int trust(String host) {
        return trust(host, ReferenceScope.GLOBAL);
    }

    /**
     * Records the host's currently measured platform as reference values of {@code scope}, after
     * checking that the quote is genuine (the enrolled, CA-certified AK of this host, valid
     * signature, the host's required PCRs covered, log matching the PCRs).
     *
     * @return how many values were new
     */
    public int trust(String host, String scope) {
        String where = ReferenceScope.parse(scope);
        HostConfig config = host(host);
        byte[] nonce = freshNonce();
        List<String> problems = new ArrayList<>();
        Optional<QuoteEvidence> evidence = evidence(host, nonce, problems);
        List<PlatformEvent> events = new ArrayList<>();
        if (evidence.isPresent()) {
            problems.addAll(checkIdentity(host, evidence.get()));
            try {
                events.addAll(events(evidence.get()));
                problems.addAll(verify(evidence.get(), nonce, ReferenceValues.fromEvents(events), config).problems());
            } catch (RuntimeException e) {
                problems.add("the event log is malformed: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new AttestationException("host " + host + " cannot be trusted: " + String.join("; ", problems));
        }
        int before = references.list().size();
        for (PlatformEvent event : events) {
            references.add(event.pcr(), event.description(), HexFormat.of().formatHex(event.sha256Digest()),
                    "measured on " + host + " at " + clock.instant(), where);
        }
        int added = references.list().size() - before;
        LOG.info("host {} trusted: {} new reference values ({})", host, added, where);
        return added;
    }

    /** The last result for a host, UNKNOWN when never attested. */
    public AttestationResult last(String host) {
        return last.getOrDefault(host, new AttestationResult(host, AttestationState.UNKNOWN, null, List.of()));
    }

    private HostConfig host(String name) {
        HostConfig host = hosts.get(name);
        if (host == null) {
            throw new UnknownHostException("no host named '" + name + "'; known hosts: " + new java.util.TreeSet<>(hosts.keySet()));
        }
        return host;
    }

    private byte[] freshNonce() {
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        return nonce;
    }

    /** The node's quote evidence; a malformed answer is a problem of the node's (untrusted), an unreachable node is thrown. */
    private Optional<QuoteEvidence> evidence(String host, byte[] nonce, List<String> problems) {
        try {
            return Optional.of(requireNonNull(quotes.quote(host, nonce), "no answer"));
        } catch (ManagerClientException e) {
            if (!ManagerClientException.MALFORMED_ANSWER.equals(e.code())) {
                throw e;
            }
            problems.add("the quote evidence is malformed");
            return Optional.empty();
        } catch (RuntimeException e) {
            problems.add("the quote evidence is malformed");
            return Optional.empty();
        }
    }

    private List<String> checkIdentity(String host, QuoteEvidence evidence) {
        List<String> problems = new ArrayList<>();
        if (!host.equals(evidence.node())) {
            problems.add("the quote names node '" + evidence.node() + "', not " + host);
        }
        X509Certificate certificate;
        try {
            certificate = Pem.certificateFromPem(evidence.akCertificatePem());
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
        TpmPublicArea quoting;
        try {
            quoting = TpmPublicArea.parse(HexFormat.of().parseHex(evidence.akPublicArea()));
            PublicKey key = quoting.toPublicKey();
            if (!MessageDigest.isEqual(key.getEncoded(), certificate.getPublicKey().getEncoded())) {
                problems.add("the quoting key is not the certified attestation key");
            }
        } catch (RuntimeException e) {
            problems.add("the AK public area is malformed");
            return problems;
        }
        problems.addAll(checkPin(host, HexFormat.of().formatHex(quoting.name()), certificate));
        return problems;
    }

    /** The quoting AK must be the one the node enrolled with, and its certificate that of the latest enrollment. */
    private List<String> checkPin(String host, String akName, X509Certificate certificate) {
        Optional<EnrolledAks.Pin> pin;
        try {
            pin = enrolled.pin(host);
        } catch (RuntimeException e) {
            return List.of("the enrollment record of " + host + " cannot be read: " + e.getMessage());
        }
        if (pin.isEmpty()) {
            return List.of("node " + host + " has no enrolled attestation key in the cloud CA's registry (enroll it with the engine)");
        }
        List<String> problems = new ArrayList<>();
        if (!akName.equalsIgnoreCase(pin.get().akName())) {
            problems.add("the quote is signed by AK " + akName + ", not by the AK enrolled for " + host + " (" + pin.get().akName() + ")");
        }
        String serial = certificate.getSerialNumber().toString(16);
        pin.get().certificateSerial().filter(enrolledSerial -> !enrolledSerial.equalsIgnoreCase(serial)).ifPresent(enrolledSerial ->
                problems.add("the AK certificate (serial " + serial + ") is not the one issued at " + host + "'s latest enrollment (serial "
                        + enrolledSerial + ")"));
        return problems;
    }

    private QuoteVerdict verify(QuoteEvidence evidence, byte[] nonce, ReferenceValues reference, HostConfig host) {
        HexFormat hex = HexFormat.of();
        try {
            Map<Integer, byte[]> pcrs = new TreeMap<>();
            evidence.pcrValues().forEach((index, value) -> pcrs.put(index, hex.parseHex(value)));
            Quote quote = new Quote(hex.parseHex(evidence.attest()), hex.parseHex(evidence.signature()), pcrs);
            return verifier.verify(hex.parseHex(evidence.akPublicArea()), nonce, quote, events(evidence), reference, host.requiredPcrs());
        } catch (RuntimeException e) {
            return new QuoteVerdict(false, List.of("the quote is malformed: " + e.getMessage()));
        }
    }

    private static List<PlatformEvent> events(QuoteEvidence evidence) {
        List<PlatformEvent> events = new ArrayList<>();
        for (QuoteEvidence.EventView event : evidence.eventLog()) {
            events.add(new PlatformEvent(event.pcr(), event.description(), HexFormat.of().parseHex(event.digest())));
        }
        return events;
    }
}
