package org.vtpcm.manager.api;

import org.vtpcm.nodeapi.NodePaths.Hook;
import org.vtpcm.nodeapi.PrepareIncomingRequest;
import org.vtpcm.nodeapi.PrepareView;
import org.vtpcm.nodeapi.ExportRequest;
import org.vtpcm.nodeapi.ExportView;
import org.vtpcm.nodeapi.StageRequest;
import org.vtpcm.nodeapi.VmRequest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.UUID;
import org.vtpcm.manager.association.ControlPolicy;
import org.vtpcm.manager.migration.MigrationHooks;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.Requests;

/**
 * The migration hooks the engine calls (only the engine role may), under /v1/migrations/{migrationId}/,
 * in protocol order: prepare-incoming (destination), freeze and export (source), stage
 * (destination), verify (both: the interposers' state digests), commit (both), abort (either).
 */
public final class MigrationHookResource implements ApiRoutes {
    private final MigrationHooks hooks;
    private final org.vtpcm.manager.migration.StateTransferHooks transfer;
    private final org.vtpcm.protocol.crypto.CryptoSuite suite;
    private final ObjectMapper json;

    public MigrationHookResource(MigrationHooks hooks, org.vtpcm.manager.migration.StateTransferHooks transfer,
            org.vtpcm.protocol.crypto.CryptoSuite suite, ObjectMapper json) {
        this.hooks = requireNonNull(hooks, "hooks is null");
        this.transfer = requireNonNull(transfer, "transfer is null");
        this.suite = requireNonNull(suite, "suite is null");
        this.json = requireNonNull(json, "json is null");
    }







    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.post(Hook.PREPARE_INCOMING.route(), this::prepareIncoming);
        routes.post(Hook.FREEZE.route(), this::freeze);
        routes.post(Hook.ABORT.route(), this::abort);
        routes.post(Hook.EXPORT.route(), this::export);
        routes.post(Hook.STAGE.route(), this::stage);
        routes.post(Hook.VERIFY.route(), this::verify);
        routes.post(Hook.COMMIT.route(), this::commit);
    }

    private void export(Context context) {
        UUID migrationId = Requests.uuid(context, "migrationId");
        ExportRequest request = Requests.body(context, json, ExportRequest.class);
        if (request.vmUuid() == null) {
            throw new BadRequestException("vmUuid is required");
        }
        String destination = Requests.required(request.destinationNode(), "destinationNode");
        byte[] nonce = Requests.hex(request.nonce(), "nonce", 32, 32);
        java.security.PublicKey ephemeral = SuitePublicKeys.decode(suite, request.ephemeralPublicKey(), "ephemeralPublicKey");
        var exported = transfer.export(migrationId, request.vmUuid(), destination, nonce, ephemeral);
        context.json(new ExportView(java.util.Base64.getEncoder().encodeToString(exported.bundle()), exported.epoch()));
    }

    private void stage(Context context) {
        UUID migrationId = Requests.uuid(context, "migrationId");
        StageRequest request = Requests.body(context, json, StageRequest.class);
        byte[] bundle;
        try {
            bundle = java.util.Base64.getDecoder().decode(Requests.required(request.bundle(), "bundle"));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("bundle must be base64");
        }
        java.util.Optional<java.security.PublicKey> source = java.util.Optional.ofNullable(request.sourceSigningKey())
                .map(hex -> SuitePublicKeys.decode(suite, hex, "sourceSigningKey"));
        context.json(AssociationViews.of(transfer.stage(migrationId, bundle, source)));
    }

    private void verify(Context context) {
        UUID migrationId = Requests.uuid(context, "migrationId");
        VmRequest request = Requests.body(context, json, VmRequest.class);
        if (request.vmUuid() == null) {
            throw new BadRequestException("vmUuid is required");
        }
        context.json(transfer.evidence(migrationId, request.vmUuid()));
    }

    private void commit(Context context) {
        UUID migrationId = Requests.uuid(context, "migrationId");
        VmRequest request = Requests.body(context, json, VmRequest.class);
        if (request.vmUuid() == null) {
            throw new BadRequestException("vmUuid is required");
        }
        context.json(AssociationViews.of(transfer.commit(migrationId, request.vmUuid())));
    }

    private void prepareIncoming(Context context) {
        UUID migrationId = Requests.uuid(context, "migrationId");
        PrepareIncomingRequest request = Requests.body(context, json, PrepareIncomingRequest.class);
        if (request.vtpcmId() == null || request.vmUuid() == null || request.epoch() == null || request.epoch() < 0) {
            throw new BadRequestException("vtpcmId, vmUuid and a non-negative epoch are required");
        }
        String name = Requests.required(request.vmName(), "vmName");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}")) {
            throw new BadRequestException("invalid vmName");
        }
        ControlPolicy policy;
        try {
            policy = ControlPolicy.parse(request.policy() == null ? "deny" : request.policy());
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        byte[] nonce = Requests.hex(request.nonce(), "nonce", 32, 32);
        java.util.Optional<String> sourceNode = java.util.Optional.ofNullable(request.sourceNode());
        if (sourceNode.isPresent() && !sourceNode.get().matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
            throw new BadRequestException("sourceNode must be a node name (host name)");
        }
        java.util.Optional<java.security.PublicKey> sourceKey = java.util.Optional.ofNullable(request.sourceSigningKey())
                .map(hex -> SuitePublicKeys.decode(suite, hex, "sourceSigningKey"));
        MigrationHooks.Prepared prepared = hooks.prepareIncoming(migrationId, request.vtpcmId(), request.vmUuid(), name,
                request.epoch(), policy, nonce, sourceNode, sourceKey);
        context.status(201).json(new PrepareView(AssociationViews.of(prepared.association()),
                java.util.HexFormat.of().formatHex(suite.encodePublicKey(prepared.ephemeralPublicKey()))));
    }

    private void freeze(Context context) {
        UUID migrationId = Requests.uuid(context, "migrationId");
        VmRequest request = Requests.body(context, json, VmRequest.class);
        if (request.vmUuid() == null) {
            throw new BadRequestException("vmUuid is required");
        }
        context.json(AssociationViews.of(hooks.freeze(migrationId, request.vmUuid())));
    }

    private void abort(Context context) {
        UUID migrationId = Requests.uuid(context, "migrationId");
        VmRequest request = Requests.body(context, json, VmRequest.class);
        if (request.vmUuid() == null) {
            throw new BadRequestException("vmUuid is required");
        }
        context.json(AssociationViews.of(hooks.abort(migrationId, request.vmUuid())));
    }
}
