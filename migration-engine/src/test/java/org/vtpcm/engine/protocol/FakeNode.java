package org.vtpcm.engine.protocol;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.vtpcm.nodeapi.ArrivalView;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.nodeapi.DomainView;
import org.vtpcm.nodeapi.HostCpu;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.nodeapi.MigrateVmRequest;
import org.vtpcm.nodeapi.NodeApi;
import org.vtpcm.nodeapi.NodeView;
import org.vtpcm.nodeapi.OutgoingView;
import org.vtpcm.nodeapi.PrepareIncomingRequest;
import org.vtpcm.nodeapi.PrepareView;
import org.vtpcm.nodeapi.QuoteEvidence;
import org.vtpcm.nodeapi.RevocationStatus;
import org.vtpcm.nodeapi.SendRequest;
import org.vtpcm.nodeapi.SendView;
import org.vtpcm.nodeapi.StateEvidence;
import org.vtpcm.nodeapi.VmMigrationStatus;
import org.vtpcm.nodeapi.VtpcmDetail;
import org.vtpcm.protocol.state.StateDigest;

/**
 * One node's manager, in memory, for unit tests of the protocol: it keeps vTPCM rows and domains as a
 * manager would, in the states the real hooks move them through, and records every call. Faults are
 * injected per call name ({@link #failOn}), the whole node can be made unreachable, and the source's
 * view of a VM migration follows a script ({@link #vmMigrationScript}).
 */
final class FakeNode implements NodeApi {
    static final StateDigest DIGEST = StateDigest.parse("5a".repeat(32));

    final String name;
    private final FakeNodes world;
    final Map<UUID, AssociationView> vtpcms = new HashMap<>();
    final Map<UUID, DomainState> domains = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    final Map<String, Supplier<RuntimeException>> failOn = new HashMap<>();
    /** What GET migrate-vm answers next, one entry per call; the last one repeats. */
    final Deque<VmMigrationStatus> vmMigrationScript = new ArrayDeque<>();
    /** Whether the source's libvirtd has confirmed success while the job still runs (Confirm phase). */
    boolean confirmed;
    boolean unreachable;
    boolean remembersVmMigration = true;
    /** The digest this node's interposer reports (fetched at a source, loaded at a destination). */
    StateDigest interposerDigest = DIGEST;
    /** How many verify calls answer "no complete state yet" before the digest appears. */
    int verifyNotReadyCalls;
    private UUID outgoingMigration;
    private String outgoingDestination;

    FakeNode(String name, FakeNodes world) {
        this.name = name;
        this.world = world;
    }

    /** A VM running here with its vTPCM at {@code epoch}. */
    AssociationView runVm(UUID vmUuid, String vmName, long epoch) {
        AssociationView row = new AssociationView(UUID.randomUUID(), vmUuid, vmName, "RUNNING", epoch, name, "deny", Instant.EPOCH,
                Instant.EPOCH, null, null);
        vtpcms.put(vmUuid, row);
        domains.put(vmUuid, DomainState.RUNNING);
        return row;
    }

    Optional<AssociationView> row(UUID vmUuid) {
        return Optional.ofNullable(vtpcms.get(vmUuid));
    }

    long count(String call) {
        return calls.stream().filter(call::equals).count();
    }

    private void enter(String call) {
        calls.add(call);
        if (unreachable) {
            throw new ManagerClientException(0, "UNREACHABLE", "cannot reach " + name);
        }
        RuntimeException fault = failOn.getOrDefault(call, () -> null).get();
        if (fault != null) {
            throw fault; // a supplier answering null lets this call through
        }
    }

    private AssociationView live(UUID vmUuid) {
        AssociationView row = vtpcms.get(vmUuid);
        if (row == null || "DESTROYED".equals(row.state())) {
            throw new ManagerClientException(404, "NOT_FOUND", "no live vTPCM of " + vmUuid + " on " + name);
        }
        return row;
    }

    private AssociationView bound(UUID migrationId, UUID vmUuid) {
        AssociationView row = live(vmUuid);
        if (row.migrationId() != null && !row.migrationId().equals(migrationId)) {
            throw new ManagerClientException(409, Rollback.MIGRATION_MISMATCH, "the vTPCM is in migration " + row.migrationId());
        }
        return row;
    }

    private AssociationView put(AssociationView row, String state, long epoch, UUID migrationId) {
        AssociationView next = new AssociationView(row.vtpcmId(), row.vmUuid(), row.vmName(), state, epoch, name, row.policy(),
                row.createdAt(), Instant.EPOCH, null, migrationId);
        vtpcms.put(row.vmUuid(), next);
        return next;
    }

    @Override
    public URI baseUri() {
        return URI.create("https://" + name + ":9443");
    }

    @Override
    public NodeView node() {
        enter("node");
        return new NodeView(name, "sm", "emulated TPM 2.0", "04" + "ab".repeat(32), null, new HostCpu("x86_64", "fake", "qemu64"));
    }

    @Override
    public List<AssociationView> vtpcms() {
        enter("vtpcms");
        return vtpcms.values().stream().filter(row -> !"DESTROYED".equals(row.state())).toList();
    }

    @Override
    public VtpcmDetail vtpcm(UUID vmUuid) {
        enter("vtpcm");
        return new VtpcmDetail(live(vmUuid), List.of());
    }

    @Override
    public DomainView domain(UUID vmUuid) {
        enter("domain");
        DomainState state = domains.get(vmUuid);
        return new DomainView(vmUuid, state != null, state == null ? null : "vm", state);
    }

    @Override
    public QuoteEvidence quote(byte[] nonce) {
        throw new UnsupportedOperationException("attestation is faked above the node API");
    }

    @Override
    public RevocationStatus putRevocations(byte[] der) {
        throw new UnsupportedOperationException("revocations are not part of the protocol's tests");
    }

    @Override
    public PrepareView prepareIncoming(UUID migrationId, PrepareIncomingRequest request) {
        enter("prepare-incoming");
        AssociationView existing = vtpcms.get(request.vmUuid());
        if (existing != null && !"DESTROYED".equals(existing.state())) {
            throw new ManagerClientException(409, "CONFLICT", "a live vTPCM of the VM is already here");
        }
        AssociationView row = new AssociationView(request.vtpcmId(), request.vmUuid(), request.vmName(), "MIGRATING_IN", request.epoch(),
                name, request.policy(), Instant.EPOCH, Instant.EPOCH, null, migrationId);
        vtpcms.put(request.vmUuid(), row);
        return new PrepareView(row, "04" + "cd".repeat(32));
    }

    @Override
    public AssociationView freeze(UUID migrationId, UUID vmUuid) {
        enter("freeze");
        AssociationView row = bound(migrationId, vmUuid);
        return put(row, "FROZEN", row.epoch(), migrationId);
    }

    @Override
    public SendView send(UUID migrationId, SendRequest request) {
        enter("send");
        AssociationView row = bound(migrationId, request.vmUuid());
        FakeNode destination = world.node(request.destinationNode());
        AssociationView incoming = destination.bound(migrationId, request.vmUuid());
        AssociationView staged = destination.put(incoming, "STAGED", incoming.epoch(), migrationId);
        put(row, "MIGRATING_OUT", row.epoch(), migrationId);
        return new SendView(4096, 1, 1, 0, 3, incoming.epoch(), staged);
    }

    @Override
    public OutgoingView migrateVm(UUID migrationId, MigrateVmRequest request) {
        enter("migrate-vm");
        bound(migrationId, request.vmUuid());
        outgoingMigration = migrationId;
        outgoingDestination = request.destinationNode();
        return view(migrationId, request.vmUuid(), VmMigrationStatus.RUNNING);
    }

    @Override
    public OutgoingView vmMigration(UUID migrationId, UUID vmUuid) {
        enter("vm-migration");
        if (!remembersVmMigration || !migrationId.equals(outgoingMigration)) {
            return view(migrationId, vmUuid, VmMigrationStatus.UNKNOWN);
        }
        VmMigrationStatus status = vmMigrationScript.size() > 1 ? vmMigrationScript.poll()
                : vmMigrationScript.isEmpty() ? VmMigrationStatus.COMPLETED : vmMigrationScript.peek();
        if (status == VmMigrationStatus.COMPLETED || status == VmMigrationStatus.RUNNING && confirmed) {
            moveDomain(vmUuid);
        }
        return view(migrationId, vmUuid, status);
    }

    /** libvirt moved the guest: gone here, paused (or running, resume-first) at the destination. */
    void moveDomain(UUID vmUuid) {
        if (domains.remove(vmUuid) != null && outgoingDestination != null) {
            world.node(outgoingDestination).domains.put(vmUuid, DomainState.PAUSED);
        }
    }

    private OutgoingView view(UUID migrationId, UUID vmUuid, VmMigrationStatus status) {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        return new OutgoingView(migrationId, vmUuid, "vm", status, "qemu+tls://" + outgoingDestination + "/system", at,
                status == VmMigrationStatus.COMPLETED ? 1500L : null, null, status == VmMigrationStatus.FAILED ? "job failed" : null,
                domains.get(vmUuid), at.plusMillis(1200), confirmed && status == VmMigrationStatus.RUNNING ? at.plusMillis(1450) : null);
    }

    @Override
    public OutgoingView abortVmMigration(UUID migrationId) {
        enter("migrate-vm/abort");
        vmMigrationScript.clear();
        vmMigrationScript.add(VmMigrationStatus.FAILED);
        return view(migrationId, null, VmMigrationStatus.RUNNING);
    }

    @Override
    public StateEvidence verify(UUID migrationId, UUID vmUuid) {
        enter("verify");
        bound(migrationId, vmUuid);
        if (verifyNotReadyCalls > 0) {
            verifyNotReadyCalls--;
            return StateEvidence.none();
        }
        return new StateEvidence(interposerDigest, StateEvidence.WHOLE_STATE, interposerDigest, StateEvidence.WHOLE_STATE, true);
    }

    @Override
    public ArrivalView arrival(UUID migrationId, UUID vmUuid) {
        enter("arrival");
        bound(migrationId, vmUuid);
        return new ArrivalView(vmUuid, "vm", domains.get(vmUuid), 40, 1500, 1 << 20);
    }

    @Override
    public ArrivalView resume(UUID migrationId, UUID vmUuid) {
        enter("resume");
        bound(migrationId, vmUuid);
        domains.put(vmUuid, DomainState.RUNNING);
        return new ArrivalView(vmUuid, "vm", DomainState.RUNNING, 40, 1500, 1 << 20);
    }

    @Override
    public AssociationView commit(UUID migrationId, UUID vmUuid) {
        enter("commit");
        AssociationView row = bound(migrationId, vmUuid);
        return switch (row.state()) {
            case "STAGED" -> put(row, "RUNNING", row.epoch(), null);
            case "MIGRATING_OUT" -> put(row, "DESTROYED", row.epoch(), null);
            default -> throw new ManagerClientException(409, "ILLEGAL_TRANSITION", "cannot commit a " + row.state() + " vTPCM");
        };
    }

    /** As the manager's MigrationHooks.abort: an aborted attempt consumes the source's epoch; the incoming copy is destroyed. */
    @Override
    public AssociationView abort(UUID migrationId, UUID vmUuid) {
        enter("abort");
        AssociationView row = live(vmUuid);
        if (row.running() && row.migrationId() == null) {
            return row;
        }
        row = bound(migrationId, vmUuid);
        return switch (row.state()) {
            case "MIGRATING_IN", "STAGED" -> {
                domains.remove(vmUuid);
                yield put(row, "DESTROYED", -1, null);
            }
            case "FROZEN", "MIGRATING_OUT" -> {
                if (!domains.containsKey(vmUuid)) {
                    throw new ManagerClientException(409, "PAST_SWITCHOVER", "the VM's domain has left " + name);
                }
                yield put(row, "RUNNING", row.epoch() + 1, null);
            }
            default -> throw new ManagerClientException(409, "ILLEGAL_TRANSITION", "cannot abort a " + row.state() + " vTPCM");
        };
    }
}
