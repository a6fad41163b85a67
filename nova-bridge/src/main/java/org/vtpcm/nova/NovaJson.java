package org.vtpcm.nova;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads Nova's JSON (as the compute API reference documents it) into our records. Pure functions. */
final class NovaJson {
    private NovaJson() {
    }

    static NovaServer server(JsonNode server) {
        JsonNode flavor = server.path("flavor");
        Map<String, String> extraSpecs = new LinkedHashMap<>();
        flavor.path("extra_specs").properties().forEach(spec -> extraSpecs.put(spec.getKey(), spec.getValue().asText()));
        return new NovaServer(required(server, "id"), server.path("name").asText(""), required(server, "status"),
                text(server, "OS-EXT-STS:task_state"), text(server, "OS-EXT-STS:vm_state"), text(server, "OS-EXT-SRV-ATTR:host"),
                text(server, "OS-EXT-SRV-ATTR:hypervisor_hostname"), text(server, "OS-EXT-SRV-ATTR:instance_name"), text(flavor, "id"),
                extraSpecs, text(server.path("fault"), "message"));
    }

    static ServerMigration migration(JsonNode migration) {
        String server = migration.path("server_uuid").asText(migration.path("instance_uuid").asText(""));
        if (!migration.path("id").canConvertToLong() || server.isEmpty()) {
            throw new IllegalArgumentException("migration without id or server uuid: " + migration);
        }
        return new ServerMigration(migration.path("id").asLong(), text(migration, "uuid"), server, migration.path("status").asText(""),
                text(migration, "migration_type"), text(migration, "source_compute"), text(migration, "dest_compute"),
                text(migration, "source_node"), text(migration, "dest_node"), text(migration, "created_at"),
                text(migration, "updated_at"), number(migration, "memory_total_bytes"), number(migration, "memory_processed_bytes"),
                number(migration, "memory_remaining_bytes"), number(migration, "disk_total_bytes"),
                number(migration, "disk_processed_bytes"), number(migration, "disk_remaining_bytes"));
    }

    static List<ServerMigration> migrations(JsonNode list) {
        List<ServerMigration> migrations = new ArrayList<>();
        for (JsonNode migration : list) {
            migrations.add(migration(migration));
        }
        return migrations;
    }

    static InstanceAction action(JsonNode action) {
        List<InstanceActionEvent> events = new ArrayList<>();
        for (JsonNode event : action.path("events")) {
            events.add(new InstanceActionEvent(event.path("event").asText(""), text(event, "host"), text(event, "start_time"),
                    text(event, "finish_time"), text(event, "result"), text(event, "traceback"), text(event, "details")));
        }
        return new InstanceAction(required(action, "request_id"), action.path("action").asText(""),
                action.path("instance_uuid").asText(""), text(action, "message"), text(action, "start_time"), text(action, "updated_at"),
                events);
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isValueNode() || value.isNull() || value.asText().isEmpty()) {
            throw new IllegalArgumentException("'" + field + "' missing in " + node);
        }
        return value.asText();
    }

    /** Empty for a missing, null or empty field. */
    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static OptionalLong number(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.canConvertToLong() && !value.isNull() ? OptionalLong.of(value.asLong()) : OptionalLong.empty();
    }
}
