package org.vtpcm.engine.protocol;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.vtpcm.nodeapi.ArrivalView;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.BundleStatus;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.nodeapi.DomainView;
import org.vtpcm.nodeapi.HostCpu;
import org.vtpcm.nodeapi.JobProgress;
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
    /** The ephemeral public key prepare-incoming answers (null or empty: a destination that gives none). */
    String ephemeralKey = "04" + "cd".repeat(32);
    /** The state send leaves this destination's incoming row in, and reports (anything but STAGED: it did not stage). */
    String stageAs = AssociationView.STAGED;
    /** send answers without the destination's row. */
    boolean sendOmitsStagedRow;
    /** How many background pushes from this source fail before one stages (the destination refuses, say). */
    int pushFailures;
    /** This source's last background push, as its view of the VM migration reports it (null: none, or forgotten). */
    BundleStatus push;
    /** Whether an abort of the VM migration stops the libvirt job; false: libvirt is past the point where it can, the script goes on. */
    boolean abortHeeded = true;
    /** The byte counts a running, unconfirmed VM migration reports (null: none, as libvirt 9.0 in the lab). */
    JobProgress jobProgress;
    /** Calls that take effect here but whose answer is lost on the way back (the engine sees status 0), once each. */
    final Set<String> loseAnswer = new HashSet<>();
    /** The last request of each kind, as this node received it. */
    PrepareIncomingRequest lastPrepare;
    SendRequest lastSend;
    MigrateVmRequest lastMigrateVm;
    private UUID outgoingMigration;
    private String outgoingDestination;
    private boolean outgoingPaused = true;

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

    /** Replaces the VM's row here with one in {@code state} at {@code epoch}, bound to {@code migrationId} (null: none). */
    AssociationView force(UUID vmUuid, String state, long epoch, UUID migrationId) {
        return put(vtpcms.get(vmUuid), state, epoch, migrationId);
    }

    private void enter(String call) {
        calls.add(call);
        world.log.add(name + " " + call);
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

    /** The call took effect; its answer may still be lost on the way back. */
    private <T> T answer(String call, T result) {
        if (loseAnswer.remove(call)) {
            throw new ManagerClientException(0, "UNREACHABLE", "the answer of " + call + " from " + name + " was lost");
        }
        return result;
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
        lastPrepare = request;
        AssociationView existing = vtpcms.get(request.vmUuid());
        if (existing != null && !"DESTROYED".equals(existing.state())) {
            throw new ManagerClientException(409, "CONFLICT", "a live vTPCM of the VM is already here");
        }
        AssociationView row = new AssociationView(request.vtpcmId(), request.vmUuid(), request.vmName(), "MIGRATING_IN", request.epoch(),
                name, request.policy(), Instant.EPOCH, Instant.EPOCH, null, migrationId);
        vtpcms.put(request.vmUuid(), row);
        return answer("prepare-incoming", new PrepareView(row, ephemeralKey));
    }

    @Override
    public AssociationView freeze(UUID migrationId, UUID vmUuid) {
        enter("freeze");
        AssociationView row = bound(migrationId, vmUuid);
        return answer("freeze", put(row, "FROZEN", row.epoch(), migrationId));
    }

    @Override
    public SendView send(UUID migrationId, SendRequest request) {
        enter("send");
        lastSend = request;
        AssociationView row = bound(migrationId, request.vmUuid());
        FakeNode destination = world.node(request.destinationNode());
        AssociationView incoming = destination.bound(migrationId, request.vmUuid());
        put(row, "MIGRATING_OUT", row.epoch(), migrationId);
        if (request.inBackground()) {
            // the push runs at once here; what it ends in is what the source's view of the VM migration reports
            if (pushFailures > 0 || !AssociationView.STAGED.equals(destination.stageAs)) {
                pushFailures = Math.max(0, pushFailures - 1);
                push = new BundleStatus(BundleStatus.State.FAILED, 4096, 0, 5, 900, "n2 refused the bundle");
            } else {
                destination.put(incoming, destination.stageAs, incoming.epoch(), migrationId);
                push = new BundleStatus(BundleStatus.State.STAGED, 4096, 1, 0, 3, null);
            }
            return answer("send", new SendView(4096, 0, 1, 0, 2, incoming.epoch(), null,
                    new BundleStatus(BundleStatus.State.PUSHING, 4096, 0, 0, 0, null)));
        }
        AssociationView staged = destination.put(incoming, destination.stageAs, incoming.epoch(), migrationId);
        return answer("send", new SendView(4096, 1, 1, 0, 3, incoming.epoch(), destination.sendOmitsStagedRow ? null : staged));
    }

    @Override
    public OutgoingView migrateVm(UUID migrationId, MigrateVmRequest request) {
        enter("migrate-vm");
        lastMigrateVm = request;
        bound(migrationId, request.vmUuid());
        outgoingMigration = migrationId;
        outgoingDestination = request.destinationNode();
        outgoingPaused = request.paused() == null || request.paused();
        return answer("migrate-vm", view(migrationId, request.vmUuid(), VmMigrationStatus.RUNNING));
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
            world.node(outgoingDestination).domains.put(vmUuid, outgoingPaused ? DomainState.PAUSED : DomainState.RUNNING);
        }
    }

    private OutgoingView view(UUID migrationId, UUID vmUuid, VmMigrationStatus status) {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        boolean confirmedRunning = confirmed && status == VmMigrationStatus.RUNNING;
        // the manager reports the wall time so far of a running job (here once confirmed), the whole of an ended one
        Long wall = status == VmMigrationStatus.COMPLETED ? Long.valueOf(1500) : confirmedRunning ? Long.valueOf(1450) : null;
        return new OutgoingView(migrationId, vmUuid, "vm", status, "qemu+tls://" + outgoingDestination + "/system", at, wall,
                status == VmMigrationStatus.RUNNING && !confirmed ? jobProgress : null,
                status == VmMigrationStatus.FAILED ? "job failed" : null,
                domains.get(vmUuid), at.plusMillis(1200), confirmedRunning ? at.plusMillis(1450) : null, push);
    }

    @Override
    public OutgoingView abortVmMigration(UUID migrationId) {
        enter("migrate-vm/abort");
        if (abortHeeded) {
            vmMigrationScript.clear();
            vmMigrationScript.add(VmMigrationStatus.FAILED);
        }
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
    public ArrivalView resume(UUID migrationId, UUID vmUuid, long epoch) {
        enter("resume");
        AssociationView row = bound(migrationId, vmUuid);
        if (!AssociationView.STAGED.equals(row.state())) { // as the manager: only the VM of a staged vTPCM may run here
            throw new ManagerClientException(409, "ILLEGAL_TRANSITION", "the VM may run here only with a staged vTPCM; it is "
                    + row.state());
        }
        if (row.epoch() != epoch) {
            throw new ManagerClientException(409, "ILLEGAL_TRANSITION", "the staged vTPCM has epoch " + row.epoch());
        }
        domains.put(vmUuid, DomainState.RUNNING);
        return answer("resume", new ArrivalView(vmUuid, "vm", DomainState.RUNNING, 40, 1500, 1 << 20));
    }

    @Override
    public AssociationView commit(UUID migrationId, UUID vmUuid) {
        enter("commit");
        AssociationView row = bound(migrationId, vmUuid);
        return answer("commit", switch (row.state()) {
            case "STAGED" -> put(row, "RUNNING", row.epoch(), null);
            case "MIGRATING_OUT" -> put(row, "DESTROYED", row.epoch(), null);
            default -> throw new ManagerClientException(409, "ILLEGAL_TRANSITION", "cannot commit a " + row.state() + " vTPCM");
        });
    }

    /**
     * As the manager's MigrationHooks.abort: a RUNNING row outside a migration is answered as it is; an
     * aborted attempt consumes the source's epoch (only while the VM's domain is still active there:
     * after it left, only a commit is possible); the incoming copy is destroyed.
     */
    @Override
    public AssociationView abort(UUID migrationId, UUID vmUuid) {
        enter("abort");
        AssociationView row = live(vmUuid);
        if (row.running() && row.migrationId() == null) {
            return answer("abort", row);
        }
        AssociationView bound = bound(migrationId, vmUuid);
        return answer("abort", switch (bound.state()) {
            case "MIGRATING_IN", "STAGED" -> {
                domains.remove(vmUuid);
                yield put(bound, "DESTROYED", -1, null);
            }
            case "FROZEN", "MIGRATING_OUT" -> {
                DomainState here = domains.get(vmUuid);
                if (here == null || !here.isActive()) {
                    throw new ManagerClientException(409, "PAST_SWITCHOVER", "the domain is no longer active on " + name);
                }
                yield put(bound, "RUNNING", bound.epoch() + 1, null);
            }
            default -> throw new ManagerClientException(409, "ILLEGAL_TRANSITION", "cannot abort a " + bound.state() + " vTPCM");
        });
    }
}
