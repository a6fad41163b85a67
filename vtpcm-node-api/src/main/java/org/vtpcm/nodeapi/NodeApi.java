package org.vtpcm.nodeapi;

import java.net.URI;
import java.util.List;
import java.util.UUID;

/**
 * One node's manager API as the engine (and other nodes) call it: every message typed. Each call
 * either answers or throws {@link ManagerClientException} (refused with a status and code,
 * unreachable, timed out, or {@link ManagerClientException#MALFORMED_ANSWER}).
 */
public interface NodeApi {
    /** The manager's API root, e.g. {@code https://10.200.0.2:9443}. */
    URI baseUri();

    NodeView node();

    /** The node's live vTPCMs. */
    List<AssociationView> vtpcms();

    VtpcmDetail vtpcm(UUID vmUuid);

    /** Where the VM's domain is on this node, whatever its vTPCM row says. */
    DomainView domain(UUID vmUuid);

    QuoteEvidence quote(byte[] nonce);

    /** Installs the cloud CA's revocation list (DER). */
    RevocationStatus putRevocations(byte[] der);

    // Destination hooks.

    PrepareView prepareIncoming(UUID migrationId, PrepareIncomingRequest request);

    /** The destination's state on arrival (the guest still paused). */
    ArrivalView arrival(UUID migrationId, UUID vmUuid);

    /** Resumes the arrived guest, whose vTPCM must be STAGED in this migration at {@code epoch}, and answers its state. */
    ArrivalView resume(UUID migrationId, UUID vmUuid, long epoch);

    // Source hooks.

    AssociationView freeze(UUID migrationId, UUID vmUuid);

    /** Exports the frozen vTPCM and pushes it to the destination manager. */
    SendView send(UUID migrationId, SendRequest request);

    /** Starts libvirt's migration of the VM (202: it runs on). */
    OutgoingView migrateVm(UUID migrationId, MigrateVmRequest request);

    /** The source's record of the migration's VM migration (UNKNOWN when it holds none). */
    OutgoingView vmMigration(UUID migrationId, UUID vmUuid);

    /**
     * The same, but the source answers as soon as the VM migration switches over or ends, or after
     * {@code wait} at the latest (at most {@link NodePaths#MAX_WAIT}): the engine learns of the
     * switchover the moment the source's libvirtd confirms it, without polling for it.
     */
    default OutgoingView vmMigration(UUID migrationId, UUID vmUuid, java.time.Duration wait) {
        return vmMigration(migrationId, vmUuid);
    }

    /** Cancels libvirt's migration of the VM, if it has not switched over. */
    OutgoingView abortVmMigration(UUID migrationId);

    // Both sides.

    /** What the vTPCM's interposer saw: the digests of the state blobs fetched (source) or loaded (destination). */
    StateEvidence verify(UUID migrationId, UUID vmUuid);

    AssociationView commit(UUID migrationId, UUID vmUuid);

    AssociationView abort(UUID migrationId, UUID vmUuid);
}
