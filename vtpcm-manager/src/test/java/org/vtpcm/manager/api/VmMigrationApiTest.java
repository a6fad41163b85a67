package org.vtpcm.manager.api;

import org.vtpcm.manager.store.NodeSchema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.ControlPolicy;
import org.vtpcm.manager.association.VtpcmState;
import org.vtpcm.manager.fakes.FakeLibvirtHost;
import org.vtpcm.manager.migration.VmMigrations;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.protocol.tls.MutualTls;
import org.vtpcm.protocol.tls.Revocations;

/** migrate-vm, arrival and resume as the engine calls them: the refusals' status codes and error codes. */
class VmMigrationApiTest {
    private static final UUID VM = UUID.randomUUID();

    @TempDir
    Path folder;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule()).registerModule(new Jdk8Module());
    private final UUID migration = UUID.randomUUID();
    private SqliteDatabase database;
    private VmMigrations migrations;
    private ApiServer server;
    private HttpClient engine;

    @BeforeEach
    void start() {
        database = NodeSchema.open(folder.resolve("node.db"));
        AssociationStore associations = new AssociationStore(database, Clock.systemUTC());
        UUID vtpcm = UUID.randomUUID();
        associations.create(vtpcm, VM, "guest", VtpcmState.CREATED, 0, "n1", ControlPolicy.DENY);
        associations.transition(vtpcm, VtpcmState.CREATED, VtpcmState.RUNNING, "started");
        associations.beginMigration(migration, vtpcm, "freeze");
        associations.transition(migration, vtpcm, VtpcmState.FROZEN, VtpcmState.MIGRATING_OUT, -1, Optional.of("n2"), "exported");
        migrations = new VmMigrations(associations, new FakeLibvirtHost(), new FakeLibvirtHost(), name -> false, Clock.systemUTC(), false);
        CloudCa ca = CloudCa.create("test CA", folder.resolve("ca"));
        server = new ApiServer("n1", "127.0.0.1", 0, 1 << 20, MutualTls.context(ca.issueTlsIdentity(Role.NODE_MANAGER, "n1", List.of(),
                List.of("127.0.0.1"), Duration.ofDays(1), true, true), ApiServer.ACCEPTED_ROLES, Revocations.NONE), json,
                List.of(new VmMigrationResource(migrations, id -> java.util.Optional.empty(), json)));
        engine = HttpClient.newBuilder().sslContext(MutualTls.context(ca.issueTlsIdentity(Role.ENGINE, "vtpcm-engine", List.of(),
                List.of(), Duration.ofDays(1), false, true))).build();
    }

    @AfterEach
    void stop() {
        server.close();
        migrations.close();
        database.close();
    }

    @Test
    void migrateVmIsRefusedWithClearCodes() throws Exception {
        String uri = "qemu+tcp://10.200.0.2/system";
        assertAnswer(400, "BAD_REQUEST", post(migration, "migrate-vm", "{\"vmUuid\":\"" + VM + "\",\"destinationUri\":\"" + uri + "\"}"));
        assertAnswer(400, "PLAINTEXT_REFUSED", post(migration, "migrate-vm", "{\"vmUuid\":\"" + VM + "\",\"destinationUri\":\"" + uri
                + "\",\"destinationNode\":\"n2\",\"tls\":false}"));
        assertAnswer(409, "MIGRATION_MISMATCH", post(UUID.randomUUID(), "migrate-vm", "{\"vmUuid\":\"" + VM + "\",\"destinationUri\":\""
                + uri + "\",\"destinationNode\":\"n2\"}"));
        assertAnswer(409, "DESTINATION_MISMATCH", post(migration, "migrate-vm", "{\"vmUuid\":\"" + VM + "\",\"destinationUri\":\"" + uri
                + "\",\"destinationNode\":\"n3\"}"));
        assertAnswer(409, "MIGRATION_MISMATCH", post(UUID.randomUUID(), "arrival", "{\"vmUuid\":\"" + VM + "\"}"));
        assertAnswer(404, "NOT_FOUND", post(migration, "resume", "{\"vmUuid\":\"" + UUID.randomUUID() + "\"}"));
        assertAnswer(404, "NOT_FOUND", post(migration, "migrate-vm/abort", "{}"));
    }

    private void assertAnswer(int status, String code, HttpResponse<String> answer) throws Exception {
        assertEquals(status, answer.statusCode(), answer.body());
        JsonNode body = json.readTree(answer.body());
        assertEquals(code, body.path("code").asText(), answer.body());
    }

    private HttpResponse<String> post(UUID id, String hook, String body) throws Exception {
        return engine.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/v1/migrations/" + id + "/" + hook))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
