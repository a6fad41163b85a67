package org.vtpcm.engine.api;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vtpcm.engine.attestation.AttestationResult;
import org.vtpcm.engine.attestation.HostAttester;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.engine.hosts.UnknownHostException;
import org.vtpcm.engine.protocol.MigrationCoordinator;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.service.rest.ApiRoutes;

/** /v1/hosts: each node's attestation state and load; attest now; trust its measured platform. */
public final class HostResource implements ApiRoutes {
    private final NodeClients nodes;
    private final HostAttester attester;
    private final MigrationCoordinator coordinator;

    @Inject
    public HostResource(NodeClients nodes, HostAttester attester, MigrationCoordinator coordinator) {
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.attester = requireNonNull(attester, "attester is null");
        this.coordinator = requireNonNull(coordinator, "coordinator is null");
    }

    /** One host as the API shows it. */
    public record HostView(String name, String manager, String libvirt, boolean reachable, AttestationResult attestation,
            Map<String, Integer> load) {
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        // every host at once, each within the per-host timeout: a stalling node shows as unreachable, it delays nobody
        routes.get("/v1/hosts", context -> context.json(Map.of("hosts", List.copyOf(nodes.fanOut().each(nodes.hosts(), this::view,
                (host, problem) -> view(host, -1)).values()))));
        routes.get("/v1/hosts/{name}", context -> context.json(view(host(context))));
        routes.post("/v1/hosts/{name}/attest", context -> {
            HostConfig host = host(context);
            attester.attest(host.name());
            context.json(view(host));
        });
        routes.post("/v1/hosts/{name}/trust", this::trust);
    }

    private void trust(Context context) {
        HostConfig host = host(context);
        int added = attester.trust(host.name());
        attester.attest(host.name());
        context.json(Map.of("added", added, "host", view(host)));
    }

    private HostConfig host(Context context) {
        String name = context.pathParam("name");
        return nodes.host(name).orElseThrow(() -> new UnknownHostException("no host named '" + name + "'"));
    }

    private HostView view(HostConfig host) {
        try {
            return view(host, nodes.node(host.name()).vtpcms().size());
        } catch (ManagerClientException e) {
            return view(host, -1);
        }
    }

    /** The host with its live vTPCMs, -1 when its manager did not answer. */
    private HostView view(HostConfig host, int vtpcms) {
        boolean reachable = vtpcms >= 0;
        Map<String, Integer> load = new LinkedHashMap<>();
        load.put("vtpcms", vtpcms);
        load.put("maxVtpcms", host.maxVtpcms());
        load.put("activeMigrations", coordinator.activeMigrations(host.name()));
        load.put("maxMigrations", coordinator.migrationLimit(host.name()));
        return new HostView(host.name(), host.manager().toString(), host.libvirt(), reachable, attester.last(host.name()), load);
    }
}
