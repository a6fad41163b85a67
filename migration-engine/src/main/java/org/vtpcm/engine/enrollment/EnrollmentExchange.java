package org.vtpcm.engine.enrollment;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.certificates.CertificateRecord;
import org.vtpcm.engine.certificates.CertificateRegistry;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.attestation.enrollment.CertifiedNode;
import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.nodeapi.EnrollmentMessages.AnswerRequest;
import org.vtpcm.nodeapi.EnrollmentMessages.AnswerResponse;
import org.vtpcm.nodeapi.EnrollmentMessages.ChallengeRequest;
import org.vtpcm.nodeapi.EnrollmentMessages.ChallengeResponse;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.Pem;

/**
 * The engine's side of node enrollment over the network. A node without a certificate presents a
 * one-time token for its name and its EK and AK; the engine answers a MakeCredential challenge bound
 * to that token. If the node's TPM recovers the secret, the token is spent and the cloud CA
 * certifies the AK and the node's own TLS keys. Bad input is an {@link IllegalArgumentException}
 * (400); every refusal an {@link EnrollmentRefusal}. Log lines name the node and the token's id.
 */
public final class EnrollmentExchange {
    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentExchange.class);
    private static final Pattern BEARER = Pattern.compile("(?i)bearer +(\\S{1,512})");
    private static final Pattern CHALLENGE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]"
            + "|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final int MAX_PUBLIC_AREA_BYTES = 2048;
    private static final int MAX_ADDRESSES = 16;
    private static final int MAX_PEM_CHARACTERS = 4096;

    private final EnrollmentAuthority authority;
    private final EnrollmentTokens tokens;
    private final EnrollmentRecords records;
    private final PendingChallenges challenges;
    private final Map<String, HostConfig> hosts;
    private final Optional<InetAddress> engineAddress;
    private final CertificateRegistry certificates;
    private final Clock clock;

    /**
     * @param engineAddress the engine API's address ({@code api.address}): no node gets it in a certificate, unless it
     *        is also that node's own manager address (the node runs on the engine's machine)
     * @param certificates records what each enrollment issues and revokes the node's earlier certificates
     */
    public EnrollmentExchange(EnrollmentAuthority authority, EnrollmentTokens tokens, EnrollmentRecords records,
            PendingChallenges challenges, List<HostConfig> hosts, String engineAddress, CertificateRegistry certificates, Clock clock) {
        this.authority = requireNonNull(authority, "authority is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.records = requireNonNull(records, "records is null");
        this.challenges = requireNonNull(challenges, "challenges is null");
        this.hosts = hosts.stream().collect(Collectors.toUnmodifiableMap(HostConfig::name, host -> host));
        this.engineAddress = literal(requireNonNull(engineAddress, "engineAddress is null").replace("[", "").replace("]", ""))
                .filter(address -> !address.isAnyLocalAddress());
        this.certificates = requireNonNull(certificates, "certificates is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * The token an {@code Authorization} header carries, if it may enroll.
     *
     * @throws EnrollmentRefusal 401 without a well-formed bearer token that authenticates; 403 for a used or revoked one
     */
    public EnrollmentToken authenticate(String authorization) {
        Matcher bearer = BEARER.matcher(authorization == null ? "" : authorization.trim());
        if (!bearer.matches()) {
            throw new EnrollmentRefusal(401, "INVALID_TOKEN", "an enrollment token is required: Authorization: Bearer <token>");
        }
        return tokens.authenticate(bearer.group(1));
    }

    /** Step 1: a credential challenge for the token's node. */
    public ChallengeResponse challenge(EnrollmentToken token, ChallengeRequest request) {
        requireNonNull(request, "request is null");
        String node = required(request.node(), "node");
        forTheTokensNode(token, node);
        byte[] ek = base64(request.ekPublicArea(), "ekPublicArea", MAX_PUBLIC_AREA_BYTES);
        byte[] ak = base64(request.akPublicArea(), "akPublicArea", MAX_PUBLIC_AREA_BYTES);
        EnrollmentAuthority.PendingEnrollment pending = authority.challenge(node, ek, ak);
        PendingChallenges.Open open = challenges.open(token.id(), pending, clock.instant());
        LOG.info("enrollment challenge for node {} (token {}, AK {})", node, token.id(), HexFormat.of().formatHex(pending.akName()));
        Base64.Encoder base64 = Base64.getEncoder();
        return new ChallengeResponse(open.id(), base64.encodeToString(pending.challenge().credentialBlob()),
                base64.encodeToString(pending.challenge().encryptedSecret()), open.expiresAt().toString());
    }

    /** Step 2: the node's answer; if it proves the TPM, the token is spent and the certificates issued. */
    public AnswerResponse answer(EnrollmentToken token, AnswerRequest request) {
        requireNonNull(request, "request is null");
        String challengeId = required(request.challengeId(), "challengeId");
        if (!CHALLENGE_ID.matcher(challengeId).matches()) {
            throw new IllegalArgumentException("challengeId must be the id the challenge answered");
        }
        byte[] secret = base64(request.secret(), "secret", 64);
        PublicKey tlsKey = tlsKey(request.tlsPublicKey(), "tlsPublicKey");
        PublicKey migrationTlsKey = tlsKey(request.migrationTlsPublicKey(), "migrationTlsPublicKey");
        List<String> addresses = addresses(request.ipAddresses(), token.node());
        Instant now = clock.instant();
        PendingChallenges.Open open = challenges.take(challengeId, token.id(), now).orElseThrow(() -> new EnrollmentRefusal(403,
                "UNKNOWN_CHALLENGE", "no open challenge " + challengeId + " for this token: it was answered already, expired after "
                        + PendingChallenges.LIFETIME.toSeconds() + " s, or was replaced by a newer one"));
        EnrollmentAuthority.PendingEnrollment pending = open.enrollment();
        if (!authority.proves(pending, secret)) {
            tokens.consume(token.id(), "PROOF_FAILED");
            throw new EnrollmentRefusal(403, "PROOF_FAILED", "node " + token.node() + " answered the credential challenge wrongly: its "
                    + "TPM does not hold the EK and AK it presented; enrollment token " + token.id() + " is spent");
        }
        Optional<EnrollmentAuthority.RegisteredNode> before = authority.registered(token.node());
        boolean again = before.isPresent();
        if (!tokens.consume(token.id(), again ? "RE_ENROLLED" : "ENROLLED")) {
            throw new EnrollmentRefusal(403, "TOKEN_USED", "enrollment token " + token.id() + " was used or revoked meanwhile");
        }
        CertifiedNode certified = authority.complete(pending, secret, tlsKey, migrationTlsKey, addresses);
        String ekSha256 = EnrollmentAuthority.ekDigest(pending.ekPublicArea());
        records.record(token.node(), token.id(), now, ekSha256, HexFormat.of().formatHex(pending.akName()), certified, again);
        List<CertificateRecord> superseded = certificates.enrolled(token.node(), List.of(certified.tlsCertificate(),
                certified.migrationTlsCertificate(), certified.akCertificate()));
        if (!superseded.isEmpty()) {
            LOG.info("node {} enrolled again: its {} earlier certificate(s) are revoked", token.node(), superseded.size());
        }
        if (before.isPresent() && !before.get().ekSha256().equals(ekSha256)) {
            LOG.warn("node {} re-enrolled with another EK than before (EK sha256 {} -> {})", token.node(), before.get().ekSha256(),
                    ekSha256);
        }
        LOG.info("node {} {} through the engine (token {}, EK sha256 {}, addresses {}, TLS serial {})", token.node(),
                again ? "re-enrolled" : "enrolled", token.id(), ekSha256, addresses, certified.tlsCertificate().getSerialNumber()
                        .toString(16));
        return new AnswerResponse(token.node(), Pem.toPem(certified.akCertificate()), Pem.toPem(certified.tlsCertificate()),
                Pem.toPem(certified.migrationTlsCertificate()), Pem.toPem(certified.caCertificate()));
    }

    private void forTheTokensNode(EnrollmentToken token, String node) {
        if (!token.node().equals(node)) {
            throw new EnrollmentRefusal(403, "WRONG_NODE", "enrollment token " + token.id() + " is for node " + token.node() + ", not "
                    + node);
        }
        if (!hosts.containsKey(node)) {
            throw new EnrollmentRefusal(403, "NOT_A_HOST", "node " + node + " is no longer one of the engine's hosts");
        }
    }

    /**
     * The node's addresses for its certificates: IP literals, none of them another host's manager
     * address nor the engine's API address (unless that is the node's own manager address too).
     */
    private List<String> addresses(List<String> addresses, String node) {
        if (addresses == null || addresses.isEmpty() || addresses.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("ipAddresses must list 1.." + MAX_ADDRESSES + " IP addresses");
        }
        Map<String, InetAddress> managers = new HashMap<>();
        for (HostConfig host : hosts.values()) {
            literal(host.manager().getHost().replace("[", "").replace("]", "")).ifPresent(address -> managers.put(host.name(), address));
        }
        List<InetAddress> parsed = new ArrayList<>();
        for (String address : addresses) {
            parsed.add(literal(address).orElseThrow(() -> new IllegalArgumentException("ipAddresses must be IPv4 or IPv6 literals")));
        }
        refusedAddress(node, parsed, managers, engineAddress).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        return List.copyOf(addresses);
    }

    /** Why a node may not have {@code requested} in its certificates, if it may not. */
    static Optional<String> refusedAddress(String node, List<InetAddress> requested, Map<String, InetAddress> managers,
            Optional<InetAddress> engine) {
        Optional<InetAddress> own = Optional.ofNullable(managers.get(node));
        for (InetAddress address : requested) {
            for (Map.Entry<String, InetAddress> manager : managers.entrySet()) {
                if (!manager.getKey().equals(node) && manager.getValue().equals(address)) {
                    return Optional.of("ipAddresses may not name another host's manager address (" + address.getHostAddress() + ")");
                }
            }
            if (engine.isPresent() && engine.get().equals(address) && !own.equals(engine)) {
                return Optional.of("ipAddresses may not name the engine's address (" + address.getHostAddress() + ")");
            }
        }
        return Optional.empty();
    }

    /** An IP literal, parsed without any name lookup; empty for anything else. */
    private static Optional<InetAddress> literal(String text) {
        if (text == null || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches() && text.contains(":"))) {
            return Optional.empty();
        }
        try {
            // a string of digits and dots or with a colon is never looked up
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static PublicKey tlsKey(String pem, String field) {
        if (required(pem, field).length() > MAX_PEM_CHARACTERS) {
            throw new IllegalArgumentException(field + " is too long for a public key");
        }
        PublicKey key;
        try {
            key = Pem.publicKeyFromPem(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " must be a PEM public key (SubjectPublicKeyInfo)");
        }
        try {
            CloudCa.requireTlsKey(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage());
        }
        return key;
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    private static byte[] base64(String value, String field, int maxBytes) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(required(value, field));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " must be base64");
        }
        if (bytes.length == 0 || bytes.length > maxBytes) {
            throw new IllegalArgumentException(field + " must be 1.." + maxBytes + " bytes");
        }
        return bytes;
    }
}
