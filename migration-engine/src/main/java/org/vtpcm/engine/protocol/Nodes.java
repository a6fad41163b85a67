package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.manager.client.ManagerClient;

/** The managers' migration hooks as the phases call them. */
final class Nodes {
    private final NodeClients clients;
    private final ObjectMapper json = new ObjectMapper();

    Nodes(NodeClients clients) {
        this.clients = requireNonNull(clients, "clients is null");
    }

    NodeClients clients() {
        return clients;
    }

    ManagerClient client(String host) {
        return clients.client(host);
    }

    ObjectNode body() {
        return json.createObjectNode();
    }

    ObjectNode vmBody(UUID vmUuid) {
        return body().put("vmUuid", vmUuid.toString());
    }

    JsonNode post(String host, UUID migration, String hook, ObjectNode body) {
        return client(host).send("POST", "/v1/migrations/" + migration + "/" + hook, body.toString());
    }

    JsonNode get(String host, String path) {
        return client(host).send("GET", path, null);
    }

    /** The source manager's record of the run's VM migration (RUNNING, COMPLETED, FAILED or UNKNOWN). */
    JsonNode vmMigration(MigrationRun run) {
        return get(run.source, "/v1/migrations/" + run.id + "/migrate-vm?vmUuid=" + run.vmUuid);
    }

    /** Whether the run's VM is running or paused on the host (by its domain, whatever the vTPCM says). */
    boolean domainActive(String host, MigrationRun run) {
        JsonNode domain = get(host, "/v1/vms/" + run.vmUuid + "/domain");
        String state = domain.path("state").asText();
        return domain.path("present").asBoolean() && ("RUNNING".equals(state) || "PAUSED".equals(state));
    }
}
