package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.openstack4j.model.compute.Flavor;
import org.openstack4j.model.compute.ext.Hypervisor.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link NovaCloud}: flavors and hypervisors through openstack4j (compute API 2.1), everything that needs a
 * microversion (servers with embedded flavors, instance action events, live migration and its records) through
 * {@link ComputeApi}. Both use one Keystone token. Close it to stop openstack4j's worker thread.
 */
public final class NovaCloudClient implements NovaCloud, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NovaCloudClient.class);
    private static final ComputeApiVersion FORCE_COMPLETE = new ComputeApiVersion(2, 22);
    private static final ComputeApiVersion ABORT = new ComputeApiVersion(2, 24);
    private static final ComputeApiVersion MIGRATIONS = new ComputeApiVersion(2, 23);
    /** Ids (server UUIDs, flavor ids, request ids) are spliced into paths: nothing else may be. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,255}");

    private final ComputeApi compute;
    private final Openstack4jCompute openstack4j;

    public NovaCloudClient(NovaSettings settings, SSLContext tls) {
        this(settings, tls, Clock.systemUTC());
    }

    NovaCloudClient(NovaSettings settings, SSLContext tls, Clock clock) {
        requireNonNull(settings, "settings is null");
        requireNonNull(tls, "tls is null");
        HttpTransport http = new HttpTransport(settings.timeout(), tls);
        TokenHolder tokens = new TokenHolder(new KeystoneAuthenticator(settings, http), clock);
        this.compute = new ComputeApi(tokens, new ComputeVersions(http), http);
        this.openstack4j = new Openstack4jCompute(tokens, settings);
    }

    @Override
    public ComputeApiVersion computeApiVersion() {
        return compute.version();
    }

    @Override
    public NovaServer server(String serverId) {
        NovaServer server = NovaJson.server(compute.get("/servers/" + id(serverId)).path("server"));
        return withExtraSpecs(server);
    }

    @Override
    public List<NovaServer> serversByName(String name) {
        String filter = "^" + requireNonNull(name, "name is null").replaceAll("([\\\\.^$|?*+()\\[\\]{}])", "\\\\$1") + "$";
        JsonNode servers = compute.get("/servers/detail?all_tenants=1&name=" + URLEncoder.encode(filter, StandardCharsets.UTF_8));
        List<NovaServer> result = new ArrayList<>();
        for (JsonNode server : servers.path("servers")) {
            result.add(withExtraSpecs(NovaJson.server(server)));
        }
        return result;
    }

    /** Below 2.47 the server names its flavor instead of embedding it: fetch the extra specs. */
    private NovaServer withExtraSpecs(NovaServer server) {
        if (server.flavorId().isPresent() && server.flavorExtraSpecs().isEmpty()) {
            return server.withFlavorExtraSpecs(flavorExtraSpecs(server.flavorId().get()));
        }
        return server;
    }

    @Override
    public NovaFlavor flavor(String flavorId) {
        String what = "GET /flavors/" + id(flavorId);
        Flavor flavor = openstack4j.call(what, client -> client.compute().flavors().get(flavorId));
        if (flavor == null) {
            throw new NovaNotFoundException("Flavor " + flavorId + " could not be found.", "Nova " + what);
        }
        return new NovaFlavor(flavor.getId(), flavor.getName(), flavor.getVcpus(), flavor.getRam(), flavor.getDisk(),
                flavorExtraSpecs(flavorId));
    }

    @Override
    public Map<String, String> flavorExtraSpecs(String flavorId) {
        String what = "GET /flavors/" + id(flavorId) + "/os-extra_specs";
        Map<String, String> specs = openstack4j.call(what, client -> client.compute().flavors().listExtraSpecs(flavorId));
        if (specs == null) {
            throw new NovaNotFoundException("Flavor " + flavorId + " could not be found.", "Nova " + what);
        }
        return Map.copyOf(specs);
    }

    @Override
    public List<Hypervisor> hypervisors() {
        List<? extends org.openstack4j.model.compute.ext.Hypervisor> list = openstack4j.call("GET /os-hypervisors/detail",
                client -> client.compute().hypervisors().list());
        List<Hypervisor> result = new ArrayList<>();
        for (org.openstack4j.model.compute.ext.Hypervisor hypervisor : list) {
            Service service = hypervisor.getService();
            result.add(new Hypervisor(String.valueOf(hypervisor.getId()), hypervisor.getHypervisorHostname(),
                    service == null || service.getHost() == null ? hypervisor.getHypervisorHostname() : service.getHost(),
                    "up".equals(hypervisor.getState()), "enabled".equals(hypervisor.getStatus()), hypervisor.getRunningVM(),
                    hypervisor.getLocalMemory(), hypervisor.getLocalMemoryUsed(), hypervisor.getFreeRam(), hypervisor.getVirtualCPU(),
                    hypervisor.getVirtualUsedCPU()));
        }
        return result;
    }

    @Override
    public List<InstanceAction> instanceActions(String serverId) {
        JsonNode actions = compute.get("/servers/" + id(serverId) + "/os-instance-actions").path("instanceActions");
        List<InstanceAction> result = new ArrayList<>();
        for (JsonNode action : actions) {
            result.add(instanceAction(serverId, action.path("request_id").asText()));
        }
        return result;
    }

    @Override
    public InstanceAction instanceAction(String serverId, String requestId) {
        return NovaJson.action(compute.get("/servers/" + id(serverId) + "/os-instance-actions/" + id(requestId)).path("instanceAction"));
    }

    @Override
    public void liveMigrate(String serverId, Optional<String> host) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode migrate = body.putObject("os-migrateLive");
        if (host.isPresent()) {
            migrate.put("host", host.get());
        } else {
            migrate.putNull("host");
        }
        migrate.put("block_migration", "auto");
        compute.post("/servers/" + id(serverId) + "/action", body, ComputeApiVersion.REQUIRED);
        LOG.info("asked Nova to live-migrate server {} to {}", serverId, host.orElse("a host of its choice"));
    }

    @Override
    public List<ServerMigration> migrations(String serverId) {
        return NovaJson.migrations(compute.get("/servers/" + id(serverId) + "/migrations", MIGRATIONS).path("migrations"));
    }

    @Override
    public ServerMigration migration(String serverId, long migrationId) {
        return NovaJson.migration(compute.get("/servers/" + id(serverId) + "/migrations/" + migrationId, MIGRATIONS).path("migration"));
    }

    @Override
    public List<ServerMigration> migrationHistory(String serverId) {
        return NovaJson.migrations(compute.get("/os-migrations?instance_uuid=" + id(serverId)).path("migrations"));
    }

    @Override
    public void abortMigration(String serverId, long migrationId) {
        compute.delete("/servers/" + id(serverId) + "/migrations/" + migrationId, ABORT);
        LOG.info("asked Nova to abort migration {} of server {}", migrationId, serverId);
    }

    @Override
    public void forceComplete(String serverId, long migrationId) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().putNull("force_complete");
        compute.post("/servers/" + id(serverId) + "/migrations/" + migrationId + "/action", body, FORCE_COMPLETE);
        LOG.info("asked Nova to force-complete migration {} of server {}", migrationId, serverId);
    }

    private static String id(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a Nova id: '" + id + "'");
        }
        return id;
    }

    @Override
    public void close() {
        openstack4j.close();
    }
}
