package org.vtpcm.tests.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vtpcm.tests.security.Expectation.clientError;
import static org.vtpcm.tests.security.Expectation.handshakeRefused;
import static org.vtpcm.tests.security.Expectation.status;
import static org.vtpcm.tests.security.Expectation.success;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.vtpcm.lab.EngineMigration;
import org.vtpcm.lab.LabCa;
import org.vtpcm.lab.LabCloud;
import org.vtpcm.lab.LabConfig;
import org.vtpcm.lab.LabManager;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Pem;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.protocol.tls.MutualTls;

/**
 * The trust model attacked on the running lab: every identity the cloud issues (and some it does
 * not) tries what its role must not allow, stale or foreign migration ids try to move, clone or
 * erase a vTPCM, bundles are replayed and tampered with, certificates are revoked, bad input and
 * oversized bodies are sent, and every log is searched for secrets. Each attack is a case of
 * {@code docs/security/attack-matrix.json}; the suite fails when any case does.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityLabIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MATRIX = Path.of("..", "docs", "security", "attack-matrix.json");
    private static final AttackMatrix MATRIX_CASES = new AttackMatrix();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static LabCloud cloud;
    private static LabCa ca;
    private static LabManager m1;
    private static LabManager m2;
    private static String n1;
    private static String n2;
    private static LabCloud.Guest guest;
    private static Path work;

    private static Probe operator;
    private static Probe engineDriver;
    private static Probe node1;
    private static Probe node2;
    private static Probe qemu1;
    private static Probe qemu2;
    private static Probe compute1;
    private static Probe compute2;
    private static Probe dashboard;
    private static Probe foreign;
    private static Probe anonymous;
    private static Probe roleless;
    private static Probe twoRoles;
    private static Probe downgraded;
    private static final List<String> SECRETS = new ArrayList<>();

    @BeforeAll
    static void startCloud() throws Exception {
        LabConfig lab = LabConfig.load(LabConfig.defaultLabDirectory());
        work = Files.createTempDirectory("vtpcm-security");
        cloud = LabCloud.start(lab);
        ca = cloud.ca();
        m1 = cloud.manager(1);
        m2 = cloud.manager(2);
        n1 = lab.node(1).name();
        n2 = lab.node(2).name();
        guest = cloud.bootGuest(1, "security-guest", 128);

        X509Certificate caCertificate = Pem.readCertificate(ca.directory().resolve(CloudCa.CERTIFICATE_FILE));
        operator = new Probe("operator lab-operator", ca.operatorTls());
        engineDriver = new Probe("engine-role lab-engine-driver", ca.engineDriverTls());
        node1 = new Probe("node-manager " + n1, MutualTls.context(m1.stateDirectory().resolve("tls"), "node"));
        node2 = new Probe("node-manager " + n2, MutualTls.context(m2.stateDirectory().resolve("tls"), "node"));
        qemu1 = new Probe("node-qemu " + n1, MutualTls.context(Identities.qemu(m1.qemuTlsDirectory())));
        qemu2 = new Probe("node-qemu " + n2, MutualTls.context(Identities.qemu(m2.qemuTlsDirectory())));
        compute1 = new Probe("nova-compute." + n1, MutualTls.context(ca.issue(Role.NOVA_COMPUTE, "nova-compute." + n1)));
        compute2 = new Probe("nova-compute." + n2, MutualTls.context(ca.issue(Role.NOVA_COMPUTE, "nova-compute." + n2)));
        dashboard = new Probe("dashboard security-dashboard", MutualTls.context(ca.issue(Role.DASHBOARD, "security-dashboard")));
        foreign = new Probe("a certificate of another CA", LabCa.foreignTls(work.resolve("foreign-ca")));
        anonymous = new Probe("no client certificate", Identities.plain(null, caCertificate, "TLSv1.3"));
        roleless = new Probe("a cloud-CA certificate without a role", MutualTls.context(Identities.forged(ca.directory(),
                "lab-operator", List.of())));
        twoRoles = new Probe("a cloud-CA certificate with two roles", MutualTls.context(Identities.forged(ca.directory(),
                "lab-operator", List.of(Role.OPERATOR, Role.ENGINE))));
        IssuedIdentity operatorIdentity = IssuedIdentity.readPem(ca.directory().resolve("clients"), LabCa.OPERATOR);
        downgraded = new Probe("operator lab-operator over TLS 1.2", Identities.plain(operatorIdentity, caCertificate, "TLSv1.2"),
                new String[] {"TLSv1.2"});
        SECRETS.add(middleOf(Files.readString(ca.directory().resolve("clients").resolve(LabCa.OPERATOR + ".key"))));
        SECRETS.add(middleOf(Files.readString(ca.directory().resolve(CloudCa.KEY_FILE))));
        SECRETS.add(middleOf(Files.readString(m1.stateDirectory().resolve("tls").resolve("node.key"))));
    }

    @AfterAll
    static void writeMatrixAndStop() throws Exception {
        try {
            MATRIX_CASES.write(MATRIX);
        } finally {
            if (cloud != null) {
                cloud.close();
            }
        }
    }

    @Test
    @Order(1)
    void identitiesOtherThanTheEngineCannotDriveAManagersMigrationHooks() {
        URI freeze = m1Hook(UUID.randomUUID(), "freeze");
        String vmBody = vmBody();
        for (Probe attacker : List.of(node2, operator, compute1)) {
            MATRIX_CASES.attack("freeze-by-" + attacker.who().replace(' ', '-'), "authz", attacker.who(),
                    "POST " + freeze.getPath() + " at " + n1,
                    status(403), () -> attacker.post(freeze, vmBody));
        }
        MATRIX_CASES.attack("export-by-other-node", "authz", node2.who(), "POST export at " + n1 + " with the attacker's own ephemeral key",
                status(403), () -> node2.post(m1Hook(UUID.randomUUID(), "export"), exportBody(attackerKey(), n2)));
        MATRIX_CASES.attack("export-by-qemu-identity", "authz", qemu2.who(), "POST export at " + n1 + " with " + n2
                + "'s QEMU certificate (same CN as the node)", handshakeRefused(), () -> qemu2.post(m1Hook(UUID.randomUUID(), "export"),
                exportBody(attackerKey(), n2)));
        MATRIX_CASES.attack("prepare-incoming-by-other-node", "authz", node1.who(), "POST prepare-incoming at " + n2, status(403),
                () -> node1.post(m2Hook(UUID.randomUUID(), "prepare-incoming"), prepareBody(1, hexNonce())));
        MATRIX_CASES.attack("commit-at-source-by-operator", "authz", operator.who(), "POST commit at the source " + n1
                + " (would erase a running VM's TPM)", status(403), () -> operator.post(m1Hook(UUID.randomUUID(), "commit"), vmBody));
        MATRIX_CASES.attack("stage-by-other-node", "authz", node1.who(), "POST stage at " + n2, status(403),
                () -> node1.post(m2Hook(UUID.randomUUID(), "stage"), "{\"bundle\":\"AAAA\"}"));
        MATRIX_CASES.attack("migrate-vm-plaintext-by-other-node", "authz", node2.who(), "POST migrate-vm at " + n1
                + " to qemu+tcp://attacker with tls:false", status(403), () -> node2.post(m1Hook(UUID.randomUUID(), "migrate-vm"),
                JSON.createObjectNode().put("vmUuid", guest.uuid().toString()).put("destinationUri", "qemu+tcp://127.0.0.1/system")
                        .put("tls", false).toString()));
        MATRIX_CASES.attack("quote-by-operator", "authz", operator.who(), "POST /v1/attestation/quote at " + n1, status(403),
                () -> operator.post(m1.baseUri().resolve("/v1/attestation/quote"), "{\"nonce\":\"" + hexNonce() + "\"}"));
    }

    @Test
    @Order(2)
    void nodeAndServiceIdentitiesAreNeverOperators() {
        String xml = "<domain type='qemu'><name>evil</name><memory>1024</memory></domain>";
        MATRIX_CASES.attack("define-domain-by-other-node", "authz", node2.who(), "POST /v1/vms with arbitrary XML at " + n1, status(403),
                () -> node2.post(m1.baseUri().resolve("/v1/vms"), JSON.createObjectNode().put("domainXml", xml).toString()));
        MATRIX_CASES.attack("reference-value-by-other-node", "authz", node2.who(), "POST /v1/reference-values at " + n1, status(403),
                () -> node2.post(m1.baseUri().resolve("/v1/reference-values"), JSON.createObjectNode().put("kind", "kernel")
                        .put("digest", "00".repeat(32)).put("label", "attacker").toString()));
        MATRIX_CASES.attack("destroy-vm-by-other-node", "authz", node2.who(), "DELETE /v1/vms/{vm} at " + n1, status(403),
                () -> node2.send("DELETE", m1.baseUri().resolve("/v1/vms/" + guest.uuid()), null, "application/json"));
        MATRIX_CASES.attack("compute-reads-other-node", "authz", compute1.who(), "GET /v1/vtpcms at " + n2, status(403),
                () -> compute1.get(m2.baseUri().resolve("/v1/vtpcms")));
        MATRIX_CASES.attack("compute-starts-engine-migration", "authz", compute1.who(), "POST /v1/migrations at the engine", status(403),
                () -> compute1.post(engine("/v1/migrations"), JSON.createObjectNode().put("vm", guest.name()).toString()));
        MATRIX_CASES.attack("node-lists-engine-migrations", "authz", node1.who(), "GET /v1/migrations at the engine", status(403),
                () -> node1.get(engine("/v1/migrations")));
        MATRIX_CASES.attack("node-changes-engine-reference-values", "authz", node1.who(), "POST /v1/reference-values at the engine",
                status(403), () -> node1.post(engine("/v1/reference-values"), "{}"));
        MATRIX_CASES.attack("dashboard-changes-reference-values", "authz", dashboard.who(), "POST /v1/reference-values at the engine",
                status(403), () -> dashboard.post(engine("/v1/reference-values"), "{}"));
        MATRIX_CASES.attack("dashboard-issues-enrollment-token", "authz", dashboard.who(), "POST /v1/enrollment-tokens at the engine",
                status(403), () -> dashboard.post(engine("/v1/enrollment-tokens"), JSON.createObjectNode().put("node", n1).toString()));
        MATRIX_CASES.attack("dashboard-reads-hosts", "authz", dashboard.who(), "GET /v1/hosts at the engine", success(),
                () -> dashboard.get(engine("/v1/hosts")));
        MATRIX_CASES.attack("engine-identity-on-bundle-chunks", "authz", engineDriver.who(), "PUT bundle chunk at " + n2
                + " (chunks come only from the source node)", status(403), () -> engineDriver.send("PUT",
                m2.baseUri().resolve("/v1/migrations/" + UUID.randomUUID() + "/bundle/chunks/0"), new byte[16], "application/octet-stream"));
    }

    @Test
    @Order(3)
    void foreignMissingOutdatedAndDowngradedCredentialsFailTheHandshake() {
        URI node = m1.baseUri().resolve("/v1/node");
        URI health = engine("/v1/health");
        MATRIX_CASES.attack("qemu-identity-reads-manager", "authz", qemu1.who(), "GET /v1/node at " + n1, handshakeRefused(),
                () -> qemu1.get(node));
        MATRIX_CASES.attack("qemu-identity-at-engine", "authz", qemu1.who(), "GET /v1/health at the engine", handshakeRefused(),
                () -> qemu1.get(health));
        MATRIX_CASES.attack("foreign-ca-at-manager", "authz", "a certificate of another CA", "GET /v1/node at " + n1, handshakeRefused(),
                () -> foreign.get(node));
        MATRIX_CASES.attack("foreign-ca-at-engine", "authz", "a certificate of another CA", "GET /v1/health at the engine",
                handshakeRefused(), () -> foreign.get(health));
        MATRIX_CASES.attack("no-certificate-at-manager", "authz", "no client certificate", "GET /v1/node at " + n1, handshakeRefused(),
                () -> anonymous.get(node));
        MATRIX_CASES.attack("no-certificate-at-engine", "authz", "no client certificate", "GET /v1/health at the engine",
                handshakeRefused(), () -> anonymous.get(health));
        MATRIX_CASES.attack("role-less-certificate", "authz", "a cloud-CA certificate without a role (as issued before roles)",
                "GET /v1/node at " + n1, handshakeRefused(), () -> roleless.get(node));
        MATRIX_CASES.attack("two-role-certificate", "authz", "a cloud-CA certificate carrying operator and engine roles",
                "POST freeze at " + n1, handshakeRefused(), () -> twoRoles.post(m1Hook(UUID.randomUUID(), "freeze"), vmBody()));
        MATRIX_CASES.attack("tls12-downgrade-at-manager", "authz", operator.who() + " over TLS 1.2", "GET /v1/node at " + n1,
                handshakeRefused(), () -> downgraded.get(node));
        MATRIX_CASES.attack("tls12-downgrade-at-engine", "authz", operator.who() + " over TLS 1.2", "GET /v1/health at the engine",
                handshakeRefused(), () -> downgraded.get(health));
        MATRIX_CASES.attack("engine-identity-at-engine-api", "authz", engineDriver.who(), "GET /v1/migrations at the engine",
                handshakeRefused(), () -> engineDriver.get(engine("/v1/migrations")));
    }

    @Test
    @Order(4)
    void hooksAreBoundToTheirMigrationAndBundlesToTheirRecipient() throws Exception {
        CryptoSuite sm = CryptoSuites.of(SuiteName.SM);
        JsonNode row = Probe.json(operator.get(m1.baseUri().resolve("/v1/vtpcms/" + guest.uuid()))).path("vtpcm");
        long epoch = row.path("epoch").asLong();
        String sourceKey = Probe.json(operator.get(m1.baseUri().resolve("/v1/node"))).path("bundleSigningKey").asText();

        // round 1: a bundle sealed for someone else than the prepared destination
        UUID first = UUID.randomUUID();
        String nonce = hexNonce();
        JsonNode prepared = Probe.json(expectOk(engineDriver.post(m2Hook(first, "prepare-incoming"),
                prepareBody(epoch + 1, nonce, row.path("vtpcmId").asText(), sourceKey))));
        UUID other = UUID.randomUUID();
        MATRIX_CASES.attack("abort-other-id-at-destination", "clone", engineDriver.who(), "POST abort at " + n2
                + " under another migration's id while " + first + " is prepared", status(409), () -> engineDriver.post(m2Hook(other,
                "abort"), vmBody()));
        stateIs("abort-other-id-keeps-incoming", m2, "MIGRATING_IN", "the incoming vTPCM survives an abort under another id");
        expectOk(engineDriver.post(m1Hook(first, "freeze"), vmBody()));
        MATRIX_CASES.attack("abort-other-id-at-source", "clone", engineDriver.who(), "POST abort at the source " + n1
                + " under another migration's id while frozen for " + first, status(409), () -> engineDriver.post(m1Hook(other, "abort"),
                vmBody()));
        MATRIX_CASES.attack("commit-other-id-at-source", "clone", engineDriver.who(), "POST commit at the source " + n1
                + " under another migration's id (would erase the TPM)", status(409), () -> engineDriver.post(m1Hook(other, "commit"),
                vmBody()));
        stateIs("source-stays-frozen", m1, "FROZEN", "the source vTPCM is still FROZEN after foreign-id abort and commit");
        MATRIX_CASES.attack("export-frozen-by-other-node", "authz", node2.who(), "POST export of the frozen vTPCM at " + n1
                + " with the attacker's key", status(403), () -> node2.post(m1Hook(first, "export"), exportBody(attackerKey(), n2, nonce)));
        JsonNode misdirected = Probe.json(expectOk(engineDriver.post(m1Hook(first, "export"), exportBody(attackerKey(), n2, nonce))));
        MATRIX_CASES.attack("bundle-for-wrong-recipient", "tamper", engineDriver.who(), "POST stage at " + n2
                + " of a bundle sealed to another ephemeral key", status(400, "BUNDLE_REJECTED"), () -> engineDriver.post(m2Hook(first,
                "stage"), stageBody(misdirected.path("bundle").asText(), sourceKey)));
        MATRIX_CASES.attack("abort-right-id-at-source", "clone", engineDriver.who(), "POST abort at " + n1 + " under " + first
                + " while the domain runs there (positive control)", success(), () -> engineDriver.post(m1Hook(first, "abort"), vmBody()));
        expectOk(engineDriver.post(m2Hook(first, "abort"), vmBody()));
        stateIs("source-running-after-abort", m1, "RUNNING", "the source vTPCM runs again after the abort");

        // round 2: replays and tampering of a real bundle
        UUID second = UUID.randomUUID();
        String secondNonce = hexNonce();
        JsonNode secondPrepared = Probe.json(expectOk(engineDriver.post(m2Hook(second, "prepare-incoming"),
                prepareBody(epoch + 1, secondNonce, row.path("vtpcmId").asText(), sourceKey))));
        expectOk(engineDriver.post(m1Hook(second, "freeze"), vmBody()));
        String bundle = Probe.json(expectOk(engineDriver.post(m1Hook(second, "export"), exportBody(secondPrepared.path(
                "ephemeralPublicKey").asText(), n2, secondNonce)))).path("bundle").asText();
        SECRETS.add(bundle.substring(bundle.length() / 2, bundle.length() / 2 + 40));
        MATRIX_CASES.attack("bundle-replayed-into-other-migration", "replay", engineDriver.who(), "POST stage at " + n2
                + " under a migration it never prepared", status(404), () -> engineDriver.post(m2Hook(other, "stage"),
                stageBody(bundle, sourceKey)));
        MATRIX_CASES.attack("old-bundle-replayed", "replay", engineDriver.who(), "POST stage at " + n2 + " under " + second
                + " of the bundle exported for " + first, status(400, "BUNDLE_REJECTED"), () -> engineDriver.post(m2Hook(second, "stage"),
                stageBody(misdirected.path("bundle").asText(), sourceKey)));
        byte[] tampered = Base64.getDecoder().decode(bundle);
        tampered[tampered.length / 2] ^= 0x01;
        MATRIX_CASES.attack("bundle-bit-flipped", "tamper", engineDriver.who(), "POST stage at " + n2 + " of the bundle with one bit "
                + "flipped", status(400, "BUNDLE_REJECTED"), () -> engineDriver.post(m2Hook(second, "stage"), stageBody(
                Base64.getEncoder().encodeToString(tampered), sourceKey)));
        String foreignKey = HexFormat.of().formatHex(sm.encodePublicKey(sm.generateSigningKeyPair().getPublic()));
        MATRIX_CASES.attack("bundle-foreign-signer", "tamper", engineDriver.who(), "POST stage at " + n2
                + " naming another signing key than the source's (the one prepare-incoming pinned)", status(409, "SOURCE_KEY_MISMATCH"), () -> engineDriver.post(m2Hook(second,
                "stage"), stageBody(bundle, foreignKey)));
        byte[] sealed = Base64.getDecoder().decode(bundle);
        MATRIX_CASES.attack("chunks-from-other-node", "authz", node2.who(), "PUT a bundle chunk at " + n2 + " for " + second
                + " whose source is " + n1, status(403), () -> chunk(node2, second, sealed));
        MATRIX_CASES.attack("chunks-from-qemu-identity", "authz", qemu1.who(), "PUT a bundle chunk at " + n2 + " for " + second
                + " with " + n1 + "'s QEMU certificate", handshakeRefused(), () -> chunk(qemu1, second, sealed));
        MATRIX_CASES.attack("chunks-for-unprepared-migration", "replay", node1.who(), "PUT a bundle chunk at " + n2
                + " for a migration it never prepared", status(404), () -> chunk(node1, other, sealed));
        expectOk(engineDriver.post(m1Hook(second, "abort"), vmBody()));
        expectOk(engineDriver.post(m2Hook(second, "abort"), vmBody()));
        stateIs("source-running-after-second-abort", m1, "RUNNING", "nothing of the attacks is left: the vTPCM runs at the source");

        // a real migration through the engine, then stale ids try to clone or erase the moved vTPCM
        JsonNode moved = EngineMigration.await(cloud.engineClient(), EngineMigration.start(cloud.engineClient(),
                JSON.createObjectNode().put("vm", guest.name()).put("to", n2)).path("id").asText(), Duration.ofMinutes(3));
        assertEquals("COMMITTED", moved.path("outcome").asText(), moved.toPrettyString());
        // a later migration back to n1 is prepared there: the clean-up abort of an old migration must not touch it
        long movedEpoch = Probe.json(operator.get(m2.baseUri().resolve("/v1/vtpcms/" + guest.uuid()))).path("vtpcm").path("epoch")
                .asLong();
        String secondSourceKey = Probe.json(operator.get(m2.baseUri().resolve("/v1/node"))).path("bundleSigningKey").asText();
        UUID later = UUID.randomUUID();
        expectOk(engineDriver.post(m1Hook(later, "prepare-incoming"), JSON.createObjectNode().put("vtpcmId", row.path("vtpcmId")
                .asText()).put("vmUuid", guest.uuid().toString()).put("vmName", guest.name()).put("epoch", movedEpoch + 1)
                .put("policy", "deny").put("nonce", hexNonce()).put("sourceNode", n2).put("sourceSigningKey", secondSourceKey).toString()));
        MATRIX_CASES.attack("late-cleanup-abort", "clone", engineDriver.who(), "POST abort at " + n1 + " under the old migration "
                + first + " while a later migration " + later + " is prepared there", status(409), () -> engineDriver.post(
                m1Hook(first, "abort"), vmBody()));
        stateIs("later-incoming-survives", m1, "MIGRATING_IN", "the later migration's incoming vTPCM survives the stale abort");
        expectOk(engineDriver.post(m1Hook(later, "abort"), vmBody()));
        MATRIX_CASES.attack("commit-other-id-at-running", "clone", engineDriver.who(), "POST commit at " + n2
                + " under an unknown migration id", status(409), () -> engineDriver.post(m2Hook(UUID.randomUUID(), "commit"), vmBody()));
        MATRIX_CASES.attack("prepare-second-copy", "clone", engineDriver.who(), "POST prepare-incoming at " + n2
                + " for the vTPCM already running there", status(409), () -> engineDriver.post(m2Hook(UUID.randomUUID(),
                "prepare-incoming"), prepareBody(epoch + 2, hexNonce(), row.path("vtpcmId").asText(), sourceKey)));
        stateIs("moved-vtpcm-still-running", m2, "RUNNING", "the moved vTPCM runs at its new host after the stale-id attacks");
    }

    @Test
    @Order(5)
    void theEngineRefusesPlaintextAndNovaHooksOfTheWrongSide() {
        // Nova migrates the guest away from wherever it is now; the destination's compute begins
        boolean onFirst = n1.equals(cloud.hostOf(guest.uuid()));
        String from = onFirst ? n1 : n2;
        String to = onFirst ? n2 : n1;
        Probe destinationCompute = onFirst ? compute2 : compute1;
        MATRIX_CASES.attack("plaintext-migration", "authz", operator.who(), "POST /v1/migrations with tls:false (QEMU's stream "
                + "carries the swtpm state blobs in clear)", status(400, "PLAINTEXT_REFUSED"), () -> operator.post(engine("/v1/migrations"),
                JSON.createObjectNode().put("vm", guest.name()).put("to", to).put("tls", false).toString()));
        MATRIX_CASES.attack("nova-without-native-tls", "authz", destinationCompute.who(), "POST /v1/nova/live-migrations without nativeTls",
                status(409, "NATIVE_TLS_REQUIRED"), () -> destinationCompute.post(engine("/v1/nova/live-migrations"), novaBegin(from, to, false)));
        Outcome begun = MATRIX_CASES.attack("nova-begin-by-destination", "authz", destinationCompute.who(), "POST /v1/nova/live-migrations from "
                + "the destination's compute with nativeTls (positive control)", success(), () -> destinationCompute.post(engine(
                "/v1/nova/live-migrations"), novaBegin(from, to, true)));
        // push the run out of any "newest N" window with cheap failing begins, then pull the state from the destination
        int refused = 0;
        for (int i = 0; i < 520; i++) {
            Outcome flood = destinationCompute.post(engine("/v1/nova/live-migrations"), JSON.createObjectNode().put("instanceUuid",
                    UUID.randomUUID().toString()).put("vmName", "flood-" + i).put("source", from).put("destination", to).put("nativeTls", true)
                    .toString());
            refused += flood.status() >= 400 ? 1 : 0;
        }
        MATRIX_CASES.record("nova-flood-refused", "dos", destinationCompute.who(), "520 begins for instances that do not exist",
                "every one refused with 4xx", refused + " of 520 refused", refused == 520);
        MATRIX_CASES.attack("nova-send-by-destination", "authz", destinationCompute.who(), "POST /v1/nova/instances/{vm}/send from the "
                + "destination's compute after 520 other begins", status(403), () -> destinationCompute.post(engine("/v1/nova/instances/"
                + guest.uuid() + "/send"), "{}"));
        MATRIX_CASES.attack("node-reads-nova-record", "authz", node1.who(), "GET /v1/nova/instances/{vm}/migration at the engine",
                status(403), () -> node1.get(engine("/v1/nova/instances/" + guest.uuid() + "/migration")));
        MATRIX_CASES.attack("operator-reads-nova-record", "authz", operator.who(), "GET /v1/nova/instances/{vm}/migration at the "
                + "engine (positive control)", success(), () -> operator.get(engine("/v1/nova/instances/" + guest.uuid() + "/migration")));
        String runId = Probe.json(begun).path("migration").path("id").asText();
        MATRIX_CASES.attack("operator-aborts-nova-run", "authz", operator.who(), "POST /v1/migrations/{id}/abort of a Nova-mode run "
                + "before its switchover (positive control)", success(), () -> operator.post(engine("/v1/migrations/" + runId + "/abort"),
                "{}"));
    }

    @Test
    @Order(6)
    void badInputAndOversizedBodiesAreRefused() {
        MATRIX_CASES.attack("xxe-domain", "injection", operator.who(), "POST /v1/vms with an external entity reading /etc/shadow",
                status(400, "INVALID_DOMAIN"), () -> operator.post(m1.baseUri().resolve("/v1/vms"), JSON.createObjectNode().put("domainXml",
                "<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/shadow'>]><domain type='qemu'><name>&x;</name></domain>").toString()));
        MATRIX_CASES.attack("path-traversal-vtpcm", "injection", operator.who(), "GET /v1/vtpcms/..%2F..%2Fetc%2Fpasswd at " + n1,
                status(400), () -> operator.get(URI.create(m1.baseUri() + "/v1/vtpcms/..%2F..%2Fetc%2Fpasswd")));
        MATRIX_CASES.attack("shell-in-vm-name", "injection", engineDriver.who(), "POST prepare-incoming at " + n2
                + " with vmName '$(reboot)'", status(400), () -> engineDriver.post(m2Hook(UUID.randomUUID(), "prepare-incoming"),
                JSON.createObjectNode().put("vtpcmId", UUID.randomUUID().toString()).put("vmUuid", UUID.randomUUID().toString())
                        .put("vmName", "$(reboot)").put("epoch", 1).put("nonce", hexNonce()).toString()));
        MATRIX_CASES.attack("unknown-json-field", "injection", operator.who(), "POST /v1/migrations with an unknown field",
                status(400), () -> operator.post(engine("/v1/migrations"), JSON.createObjectNode().put("vm", guest.name())
                        .put("skipAttestation", true).toString()));
        byte[] huge = ("{\"domainXml\":\"" + "A".repeat(12 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
        MATRIX_CASES.attack("oversized-body-manager", "dos", operator.who(), "POST /v1/vms with a 12 MiB body at " + n1,
                Expectation.tooLarge(), () -> operator.send("POST", m1.baseUri().resolve("/v1/vms"), huge, "application/json"));
        MATRIX_CASES.attack("oversized-body-engine", "dos", operator.who(), "POST /v1/migrations with a 12 MiB body at the engine",
                Expectation.tooLarge(), () -> operator.send("POST", engine("/v1/migrations"), huge, "application/json"));
    }

    @Test
    @Order(7)
    void revokedCertificatesAndOldRevocationListsAreRefused() throws Exception {
        Path folder = work.resolve("revoked");
        cloud.engine().issueClient("security-revoked", "operator", folder);
        IssuedIdentity revoked = IssuedIdentity.readPem(folder, "security-revoked");
        Probe victim = new Probe("operator security-revoked", MutualTls.context(revoked));
        MATRIX_CASES.attack("before-revocation", "revocation", "operator security-revoked", "GET /v1/hosts at the engine (positive "
                + "control)", success(), () -> victim.get(engine("/v1/hosts")));
        String serial = revoked.certificate().getSerialNumber().toString(16);
        MATRIX_CASES.attack("dashboard-revokes-certificate", "revocation", dashboard.who(), "POST /v1/certificates/{serial}/revoke "
                + "at the engine", status(403), () -> dashboard.post(engine("/v1/certificates/" + serial + "/revoke"),
                JSON.createObjectNode().put("reason", "not the dashboard's to do").toString()));
        MATRIX_CASES.attack("node-revokes-other-node", "revocation", node1.who(), "POST /v1/hosts/" + n2 + "/revoke at the engine",
                status(403), () -> node1.post(engine("/v1/hosts/" + n2 + "/revoke"), "{}"));
        MATRIX_CASES.attack("compute-lists-certificates", "revocation", compute1.who(), "GET /v1/certificates at the engine",
                status(403), () -> compute1.get(engine("/v1/certificates")));
        MATRIX_CASES.attack("revoke-certificate", "revocation", operator.who(), "POST /v1/certificates/{serial}/revoke", success(),
                () -> operator.post(engine("/v1/certificates/" + revoked.certificate().getSerialNumber().toString(16) + "/revoke"),
                        JSON.createObjectNode().put("reason", "key compromise drill").toString()));
        MATRIX_CASES.attack("revoked-at-engine", "revocation", "operator security-revoked (revoked)", "GET /v1/hosts at the engine",
                Expectation.revoked(), () -> victim.get(engine("/v1/hosts")));
        Outcome atManager = awaitRefused(victim, m1.baseUri().resolve("/v1/node"), Duration.ofSeconds(90));
        MATRIX_CASES.record("revoked-at-manager", "revocation", "operator security-revoked (revoked)", "GET /v1/node at " + n1
                + " once the engine pushed its new list", Expectation.revoked().text() + ", within 90 s", atManager.toString(),
                Expectation.revoked().test().test(atManager));
        CloudCa labCa = CloudCa.load(ca.directory());
        byte[] older = labCa.issueRevocationList(List.of(), BigInteger.ZERO, Duration.ofDays(1)).getEncoded();
        MATRIX_CASES.attack("older-crl-replayed", "revocation", engineDriver.who(), "PUT /v1/revocations at " + n1
                + " with an older list that revokes nothing", status(400, "REVOCATION_LIST_REJECTED"), () -> engineDriver.send("PUT",
                m1.baseUri().resolve("/v1/revocations"), older, "application/pkix-crl"));
        CloudCa otherCa = CloudCa.create("vtpcm lab cloud CA", work.resolve("crl-forger"));
        byte[] forged = otherCa.issueRevocationList(List.of(), BigInteger.valueOf(1_000_000), Duration.ofDays(1)).getEncoded();
        MATRIX_CASES.attack("forged-crl", "revocation", engineDriver.who(), "PUT /v1/revocations at " + n1 + " with a list signed by "
                + "another CA", status(400, "REVOCATION_LIST_REJECTED"), () -> engineDriver.send("PUT", m1.baseUri().resolve(
                "/v1/revocations"), forged, "application/pkix-crl"));
        MATRIX_CASES.attack("crl-pushed-by-node", "revocation", node2.who(), "PUT /v1/revocations at " + n1, status(403),
                () -> node2.send("PUT", m1.baseUri().resolve("/v1/revocations"), older, "application/pkix-crl"));
    }

    @Test
    @Order(8)
    void noLogHoldsASecret() throws Exception {
        List<Path> logs = new ArrayList<>(List.of(cloud.engine().logFile(), m1.logFile(), m2.logFile()));
        List<String> found = new ArrayList<>();
        for (Path log : logs) {
            if (!Files.exists(log)) {
                continue;
            }
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            if (text.contains("PRIVATE KEY")) {
                found.add(log.getFileName() + ": a PEM private key");
            }
            for (String secret : SECRETS) {
                if (text.contains(secret)) {
                    found.add(log.getFileName() + ": a known secret (" + secret.substring(0, 6) + "...)");
                }
            }
        }
        MATRIX_CASES.record("no-secrets-in-logs", "secrets", "anyone who reads the logs", "search the engine's and managers' logs for "
                + "PEM keys, the CA/operator/node private keys and the exported bundle", "none found", found.isEmpty() ? "none found"
                : String.join("; ", found), found.isEmpty());
    }

    @Test
    @Order(9)
    void everyAttackFailed() throws Exception {
        MATRIX_CASES.write(MATRIX);
        List<AttackCase> cases = MATRIX_CASES.cases();
        assertTrue(cases.size() >= 40, "the matrix has " + cases.size() + " cases");
        assertTrue(MATRIX_CASES.failed().isEmpty(), "attacks that were not refused: " + MATRIX_CASES.failed());
    }

    // ----------------------------------------------------------------------------------------- helpers

    private static Outcome expectOk(Outcome outcome) {
        assertTrue(outcome.status() >= 200 && outcome.status() < 300, "a step of the attack set-up failed: " + outcome);
        return outcome;
    }

    private static void stateIs(String id, LabManager manager, String expected, String what) {
        String state = Probe.json(operator.get(manager.baseUri().resolve("/v1/vtpcms/" + guest.uuid()))).path("vtpcm").path("state")
                .asText("absent");
        MATRIX_CASES.record(id, "clone", "(state check after the attacks above)", "GET /v1/vtpcms/{vm} at " + manager.node().name(),
                what + ": " + expected, state, expected.equals(state));
    }

    private static Outcome awaitRefused(Probe probe, URI uri, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Outcome last = probe.get(uri);
        while (!Expectation.revoked().test().test(last) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            last = probe.get(uri);
        }
        return last;
    }

    /** One well-formed chunk (the whole bundle as chunk 0 of 1), so only the sender and migration checks can refuse it. */
    private static Outcome chunk(Probe probe, UUID migration, byte[] sealed) {
        String digest;
        try {
            digest = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(sealed));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return probe.send("PUT", m2.baseUri().resolve("/v1/migrations/" + migration + "/bundle/chunks/0"), sealed,
                "application/octet-stream", java.util.Map.of("X-Chunk-Count", "1", "X-Bundle-Length", Integer.toString(sealed.length),
                        "X-Chunk-Sha256", digest));
    }

    private static URI m1Hook(UUID migration, String hook) {
        return m1.baseUri().resolve("/v1/migrations/" + migration + "/" + hook);
    }

    private static URI m2Hook(UUID migration, String hook) {
        return m2.baseUri().resolve("/v1/migrations/" + migration + "/" + hook);
    }

    private static URI engine(String path) {
        return cloud.engine().baseUri().resolve(path);
    }

    private static String vmBody() {
        return JSON.createObjectNode().put("vmUuid", guest.uuid().toString()).toString();
    }

    private static String prepareBody(long epoch, String nonce) {
        return prepareBody(epoch, nonce, UUID.randomUUID().toString(), null);
    }

    private static String prepareBody(long epoch, String nonce, String vtpcmId, String sourceKey) {
        ObjectNode body = JSON.createObjectNode().put("vtpcmId", vtpcmId).put("vmUuid", guest.uuid().toString())
                .put("vmName", guest.name()).put("epoch", epoch).put("policy", "deny").put("nonce", nonce).put("sourceNode", n1);
        if (sourceKey != null) {
            body.put("sourceSigningKey", sourceKey);
        }
        return body.toString();
    }

    private static String exportBody(String ephemeralKey, String destination) {
        return exportBody(ephemeralKey, destination, hexNonce());
    }

    private static String exportBody(String ephemeralKey, String destination, String nonce) {
        return JSON.createObjectNode().put("vmUuid", guest.uuid().toString()).put("destinationNode", destination).put("nonce", nonce)
                .put("ephemeralPublicKey", ephemeralKey).toString();
    }

    private static String stageBody(String bundle, String sourceKey) {
        return JSON.createObjectNode().put("bundle", bundle).put("sourceSigningKey", sourceKey).toString();
    }

    private static String novaBegin(String source, String destination, boolean nativeTls) {
        return JSON.createObjectNode().put("instanceUuid", guest.uuid().toString()).put("vmName", guest.name()).put("source", source)
                .put("destination", destination).put("nativeTls", nativeTls).toString();
    }

    /** An ephemeral public key only the attacker holds the private half of. */
    private static String attackerKey() {
        CryptoSuite sm = CryptoSuites.of(SuiteName.SM);
        return HexFormat.of().formatHex(sm.encodePublicKey(sm.generateSigningKeyPair().getPublic()));
    }

    private static String hexNonce() {
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        return HexFormat.of().formatHex(nonce);
    }

    private static String middleOf(String pem) {
        String body = Stream.of(pem.split("\n")).filter(line -> !line.startsWith("-----")).reduce("", String::concat);
        return body.substring(body.length() / 2 - 20, body.length() / 2 + 20);
    }
}
