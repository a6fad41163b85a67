package org.vtpcm.nodeapi;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.vtpcm.nodeapi.NodePaths.Hook;

/** The node API over HTTPS with mutual TLS: typed messages over one {@link ManagerClient}. */
public final class HttpsNodeApi implements NodeApi {
    private final ManagerClient client;

    public HttpsNodeApi(ManagerClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    @Override
    public URI baseUri() {
        return client.baseUri();
    }

    @Override
    public NodeView node() {
        return client.call("GET", NodePaths.NODE, null, NodeView.class);
    }

    @Override
    public List<AssociationView> vtpcms() {
        return List.of(client.call("GET", NodePaths.VTPCMS, null, AssociationView[].class));
    }

    @Override
    public VtpcmDetail vtpcm(UUID vmUuid) {
        return client.call("GET", NodePaths.vtpcm(vmUuid), null, VtpcmDetail.class);
    }

    @Override
    public DomainView domain(UUID vmUuid) {
        return client.call("GET", NodePaths.domain(vmUuid), null, DomainView.class);
    }

    @Override
    public QuoteEvidence quote(byte[] nonce) {
        return client.call("POST", NodePaths.QUOTE, new QuoteRequest(HexFormat.of().formatHex(nonce)), QuoteEvidence.class);
    }

    @Override
    public RevocationStatus putRevocations(byte[] der) {
        return client.putRevocations(der);
    }

    @Override
    public PrepareView prepareIncoming(UUID migrationId, PrepareIncomingRequest request) {
        return hook(migrationId, Hook.PREPARE_INCOMING, request, PrepareView.class);
    }

    @Override
    public ArrivalView arrival(UUID migrationId, UUID vmUuid) {
        return hook(migrationId, Hook.ARRIVAL, new VmRequest(vmUuid), ArrivalView.class);
    }

    @Override
    public ArrivalView resume(UUID migrationId, UUID vmUuid, long epoch) {
        return hook(migrationId, Hook.RESUME, new ResumeRequest(vmUuid, epoch), ArrivalView.class);
    }

    @Override
    public AssociationView freeze(UUID migrationId, UUID vmUuid) {
        return hook(migrationId, Hook.FREEZE, new VmRequest(vmUuid), AssociationView.class);
    }

    @Override
    public SendView send(UUID migrationId, SendRequest request) {
        return hook(migrationId, Hook.SEND, request, SendView.class);
    }

    @Override
    public OutgoingView migrateVm(UUID migrationId, MigrateVmRequest request) {
        return hook(migrationId, Hook.MIGRATE_VM, request, OutgoingView.class);
    }

    @Override
    public OutgoingView vmMigration(UUID migrationId, UUID vmUuid) {
        return client.call("GET", NodePaths.hook(migrationId, Hook.MIGRATE_VM) + "?vmUuid=" + vmUuid, null, OutgoingView.class);
    }

    @Override
    public OutgoingView vmMigration(UUID migrationId, UUID vmUuid, java.time.Duration wait) {
        long millis = Math.max(0, Math.min(wait.toMillis(), NodePaths.MAX_WAIT.toMillis()));
        return client.call("GET", NodePaths.hook(migrationId, Hook.MIGRATE_VM) + "?vmUuid=" + vmUuid + "&" + NodePaths.WAIT_PARAMETER + "="
                + millis, null, OutgoingView.class);
    }

    @Override
    public OutgoingView abortVmMigration(UUID migrationId) {
        return hook(migrationId, Hook.MIGRATE_VM_ABORT, null, OutgoingView.class);
    }

    @Override
    public StateEvidence verify(UUID migrationId, UUID vmUuid) {
        return hook(migrationId, Hook.VERIFY, new VmRequest(vmUuid), StateEvidence.class);
    }

    @Override
    public AssociationView commit(UUID migrationId, UUID vmUuid) {
        return hook(migrationId, Hook.COMMIT, new VmRequest(vmUuid), AssociationView.class);
    }

    @Override
    public AssociationView abort(UUID migrationId, UUID vmUuid) {
        return hook(migrationId, Hook.ABORT, new VmRequest(vmUuid), AssociationView.class);
    }

    private <T> T hook(UUID migrationId, Hook hook, Object body, Class<T> answer) {
        return client.call("POST", NodePaths.hook(migrationId, hook), body, answer);
    }
}
