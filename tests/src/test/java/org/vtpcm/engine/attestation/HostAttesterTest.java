package org.vtpcm.engine.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.attestation.EmulatedPlatformTpm;
import org.vtpcm.attestation.Quote;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.enrollment.EnrollmentRecords;
import org.vtpcm.engine.journal.EngineSchema;
import org.vtpcm.attestation.enrollment.CertifiedNode;
import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.manager.node.NodeAttestation;
import org.vtpcm.nodeapi.NodePcrs;
import org.vtpcm.nodeapi.QuoteEvidence;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.Pem;

/** The attester against real swtpm-backed node TPMs enrolled with a test cloud CA: each attack as a test. */
class HostAttesterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private CloudCa ca;
    private EnrollmentAuthority authority;
    private SqliteDatabase database;
    private ReferenceValueStore references;
    private HostAttester attester;
    private Path code;
    private Path config;
    private Path qemu;
    private final List<EmulatedPlatformTpm> tpms = new ArrayList<>();
    /** What each host's manager answers to a quote request. */
    private final Map<String, Function<byte[], QuoteEvidence>> answers = new HashMap<>();
    private int files;

    @BeforeEach
    void cloud() throws Exception {
        ca = CloudCa.create("test cloud CA", temp.resolve("ca"));
        authority = new EnrollmentAuthority(ca, temp.resolve("ca"));
        database = SqliteDatabase.open(temp.resolve("engine.db"), EngineSchema.VERSION, EngineSchema.DDL);
        references = new ReferenceValueStore(database, Clock.systemUTC());
        code = Files.writeString(temp.resolve("vtpcm-manager.jar"), "manager code");
        config = Files.writeString(temp.resolve("manager.conf"), "node.name = n1");
        qemu = Files.writeString(temp.resolve("qemu-system-x86_64"), "qemu");
        List<HostConfig> hosts = List.of(host("n1", "compute", Set.of(11, 12, 13)), host("n2", "compute", Set.of(11, 12, 13)));
        attester = new HostAttester((host, nonce) -> answers.get(host).apply(nonce), hosts, ca,
                new EnrolledAks(authority, database), references, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        tpms.forEach(EmulatedPlatformTpm::close);
        database.close();
    }

    private static HostConfig host(String name, String hostClass, Set<Integer> pcrs) {
        return new HostConfig(name, URI.create("https://10.0.0.1:9443"), "qemu+tcp://10.0.0.1/system", 2, 64, hostClass, new TreeSet<>(pcrs));
    }

    private EmulatedPlatformTpm tpm() {
        EmulatedPlatformTpm tpm = EmulatedPlatformTpm.start(temp.resolve("tpm" + tpms.size()), temp.resolve("run" + tpms.size()),
                Duration.ofSeconds(10));
        tpms.add(tpm);
        return tpm;
    }

    /** Enrolls the TPM as {@code node} with the CA (credential activation), as {@code vtpcm-manager enroll --ca-dir} does. */
    private CertifiedNode enroll(String node, EmulatedPlatformTpm tpm) throws Exception {
        EnrollmentAuthority.PendingEnrollment pending = authority.challenge(node, tpm.endorsementKeyPublic(),
                tpm.attestationKey().publicArea());
        byte[] secret = tpm.activateCredential(pending.challenge().credentialBlob(), pending.challenge().encryptedSecret());
        return authority.complete(pending, secret, tlsKey(), tlsKey(), List.of("10.0.0.1"));
    }

    private static PublicKey tlsKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair().getPublic();
    }

    /** A manager's measured start on this TPM, answering quotes as {@code node} with this AK certificate. */
    private NodeAttestation started(String node, EmulatedPlatformTpm tpm, CertifiedNode certified) throws Exception {
        Path certificate = Files.writeString(temp.resolve("ak" + files++ + ".crt"), Pem.toPem(certified.akCertificate()));
        NodeAttestation attestation = new NodeAttestation(node, tpm, certificate);
        attestation.measureStart(List.of(code), config, List.of(qemu));
        return attestation;
    }

    private void answer(String host, NodeAttestation attestation) {
        answers.put(host, attestation::quote);
    }

    @Test
    void anEnrolledNodeWithAKnownGoodPlatformIsTrusted() throws Exception {
        EmulatedPlatformTpm tpm = tpm();
        answer("n1", started("n1", tpm, enroll("n1", tpm)));
        assertEquals(3, attester.trust("n1"));
        AttestationResult result = attester.attest("n1");
        assertTrue(result.trusted(), result.problems().toString());
    }

    @Test
    void aQuoteByTheAkOfAnOlderEnrollmentIsRefused() throws Exception {
        // before: its certificate is the CA's, for n1, valid and matching the quoting key, so the quote passed
        EmulatedPlatformTpm old = tpm();
        CertifiedNode oldCertificate = enroll("n1", old);
        EmulatedPlatformTpm current = tpm();
        answer("n1", started("n1", current, enroll("n1", current)));
        attester.trust("n1");
        answer("n1", started("n1", old, oldCertificate));
        AttestationResult result = attester.attest("n1");
        assertEquals(AttestationState.UNTRUSTED, result.state());
        assertEquals(List.of("the quote is signed by AK " + HexFormat.of().formatHex(old.attestationKey().name()) + ", not by the AK enrolled "
                + "for n1 (" + HexFormat.of().formatHex(current.attestationKey().name()) + ")"), result.problems());
    }

    @Test
    void aQuoteByAnotherNodesEnrolledAkIsRefused() throws Exception {
        EmulatedPlatformTpm n1 = tpm();
        answer("n1", started("n1", n1, enroll("n1", n1)));
        attester.trust("n1");
        EmulatedPlatformTpm n2 = tpm();
        answer("n1", started("n1", n2, enroll("n2", n2)));
        AttestationResult result = attester.attest("n1");
        assertEquals(AttestationState.UNTRUSTED, result.state());
        assertTrue(result.problems().stream().anyMatch(problem -> problem.startsWith("the quote is signed by AK "
                + HexFormat.of().formatHex(n2.attestationKey().name()) + ", not by the AK enrolled for n1")), result.problems().toString());
    }

    @Test
    void anOlderCertificateOfTheEnrolledAkIsRefusedWhenTheEngineRecordedTheLatest() throws Exception {
        EmulatedPlatformTpm tpm = tpm();
        CertifiedNode first = enroll("n1", tpm);
        CertifiedNode latest = enroll("n1", tpm);
        new EnrollmentRecords(database).record("n1", "t2", Instant.now(), "ek", HexFormat.of().formatHex(tpm.attestationKey().name()),
                latest, true);
        NodeAttestation withLatest = started("n1", tpm, latest);
        answer("n1", withLatest);
        attester.trust("n1");
        assertTrue(attester.attest("n1").trusted(), attester.last("n1").problems().toString());
        Files.writeString(temp.resolve("ak0.crt"), Pem.toPem(first.akCertificate())); // the manager now presents the first certificate
        AttestationResult result = attester.attest("n1");
        assertEquals(List.of("the AK certificate (serial " + first.akCertificate().getSerialNumber().toString(16) + ") is not the one "
                + "issued at n1's latest enrollment (serial " + latest.akCertificate().getSerialNumber().toString(16) + ")"),
                result.problems());
    }

    @Test
    void aNodeThatNeverEnrolledIsRefused() throws Exception {
        EmulatedPlatformTpm tpm = tpm();
        // an AK certificate the CA issued outside enrollment: nothing recorded it
        CertifiedNode unrecorded = new CertifiedNode(ca.certifyPublicKey(tpm.attestationKey().publicKey(), "n1 attestation key",
                Duration.ofDays(1), EnrollmentAuthority.AK_CERTIFICATE_PURPOSE), ca.certificate(), ca.certificate(), ca.certificate());
        NodeAttestation attestation = started("n1", tpm, unrecorded);
        answer("n1", attestation);
        references.add(11, "x", "ab".repeat(32), null);
        AttestationResult result = attester.attest("n1");
        assertEquals(AttestationState.UNTRUSTED, result.state());
        assertTrue(result.problems().get(0).contains("n1 has no enrolled attestation key"), result.problems().toString());
        assertThrows(AttestationException.class, () -> attester.trust("n1"));
    }

    @Test
    void aQuoteOmittingTheManagersPcrIsRefused() throws Exception {
        // before: no PCR was required, so a node could leave its manager's code (PCR 11) out of quote and log
        EmulatedPlatformTpm tpm = tpm();
        CertifiedNode certified = enroll("n1", tpm);
        NodeAttestation attestation = started("n1", tpm, certified);
        answer("n1", attestation);
        attester.trust("n1");
        answers.put("n1", nonce -> withoutPcr(attestation, tpm, certified, nonce, NodePcrs.CODE));
        AttestationResult result = attester.attest("n1");
        assertEquals(List.of("the quote does not cover required PCR(s) [11] (required [11, 12, 13], quoted [12, 13])"), result.problems());
    }

    @Test
    void referenceValuesOfAnotherHostDoNotApply() throws Exception {
        // before: one allow-list for all hosts
        EmulatedPlatformTpm n1 = tpm();
        answer("n1", started("n1", n1, enroll("n1", n1)));
        EmulatedPlatformTpm n2 = tpm();
        answer("n2", started("n2", n2, enroll("n2", n2)));
        assertEquals(3, attester.trust("n1", "host:n1"));
        assertTrue(attester.attest("n1").trusted(), attester.last("n1").problems().toString());
        AttestationResult result = attester.attest("n2");
        assertEquals(List.of("no reference values apply to n2 (global, class:compute or host:n2; trust a known-good host first)"),
                result.problems());
        attester.trust("n1", "class:compute");
        assertTrue(attester.attest("n2").trusted(), attester.last("n2").problems().toString());
    }

    @Test
    void malformedEvidenceIsUntrustedNotAnError() {
        answers.put("n1", nonce -> null);
        assertEquals(List.of("the quote evidence is malformed"), attester.attest("n1").problems());
    }

    private static QuoteEvidence withoutPcr(NodeAttestation attestation, EmulatedPlatformTpm tpm, CertifiedNode certified, byte[] nonce,
            int left) {
        HexFormat hex = HexFormat.of();
        int[] kept = java.util.Arrays.stream(NodePcrs.quoted()).filter(pcr -> pcr != left).toArray();
        Quote quote = tpm.quote(nonce, kept);
        Map<Integer, String> pcrs = new LinkedHashMap<>();
        quote.pcrValues().forEach((index, value) -> pcrs.put(index, hex.formatHex(value)));
        List<QuoteEvidence.EventView> events = attestation.eventLog().stream().filter(event -> event.pcr() != left)
                .map(event -> new QuoteEvidence.EventView(event.pcr(), event.description(), hex.formatHex(event.sha256Digest()))).toList();
        return new QuoteEvidence("n1", tpm.description(), hex.formatHex(nonce), hex.formatHex(quote.attest()), hex.formatHex(quote.signature()),
                pcrs, events, hex.formatHex(tpm.attestationKey().publicArea()), Pem.toPem(certified.akCertificate()));
    }
}
