package org.vtpcm.manager.api;

import org.vtpcm.nodeapi.NodePaths;
import org.vtpcm.nodeapi.NodeView;
import org.vtpcm.nodeapi.QuoteRequest;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.function.Supplier;
import org.vtpcm.nodeapi.ReconcileReport;
import org.vtpcm.manager.node.NodeAttestation;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.Requests;

/** The node: identity, root of trust, last reconciliation, and quotes for attestation. */
public final class NodeResource implements ApiRoutes {
    private static final int MIN_NONCE = 16;
    private static final int MAX_NONCE = 64;

    private final String nodeName;
    private final String suite;
    private final NodeAttestation attestation;
    private final Supplier<ReconcileReport> reconcileReport;
    private final ObjectMapper json;
    private final String bundleSigningKey;
    private final Supplier<org.vtpcm.nodeapi.HostCpu> cpu;

    public NodeResource(String nodeName, String suite, NodeAttestation attestation, Supplier<ReconcileReport> reconcileReport,
            ObjectMapper json, String bundleSigningKey, Supplier<org.vtpcm.nodeapi.HostCpu> cpu) {
        this.cpu = requireNonNull(cpu, "cpu is null");
        this.bundleSigningKey = requireNonNull(bundleSigningKey, "bundleSigningKey is null");
        this.nodeName = requireNonNull(nodeName, "nodeName is null");
        this.suite = requireNonNull(suite, "suite is null");
        this.attestation = requireNonNull(attestation, "attestation is null");
        this.reconcileReport = requireNonNull(reconcileReport, "reconcileReport is null");
        this.json = requireNonNull(json, "json is null");
    }



    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get(NodePaths.NODE, context -> context.json(new NodeView(nodeName, suite, attestation.rootOfTrust(), bundleSigningKey,
                reconcileReport.get(), cpu.get())));
        routes.post(NodePaths.QUOTE, this::quote);
    }

    private void quote(Context context) {
        QuoteRequest request = Requests.body(context, json, QuoteRequest.class);
        byte[] nonce = Requests.hex(request.nonce(), "nonce", MIN_NONCE, MAX_NONCE);
        context.json(attestation.quote(nonce));
    }
}
