package org.vtpcm.collector.interposer;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.UUID;
import org.vtpcm.collector.swtpm.StateBlobType;
import org.vtpcm.protocol.state.StateDigest;

/**
 * What the node interposer knows of one vTPCM's control channel: where it listens, which engine it
 * relays to, and what the current (or, once QEMU is gone, the last) QEMU connection carried. The
 * digests are computed the moment a state blob finishes crossing, over every blob of that direction
 * seen so far on that connection ({@code StateBlobDigest}).
 *
 * @param vtpcmId the vTPCM
 * @param listen the socket QEMU connects to (the domain's external TPM backend)
 * @param engine swtpm's control socket, connected to when QEMU connects
 * @param connected whether a QEMU connection is being relayed now
 * @param connections how many QEMU connections have been relayed (refused second connections not counted)
 * @param inSync false once the observer lost track of the conversation: then no digest may be trusted
 * @param commands control commands seen complete on the current (or last) connection
 * @param fetchedDigest digest of the blobs QEMU fetched (a migration source), {@link StateDigest#NONE} if none
 * @param fetchedTypes the types fetched, in type order
 * @param loadedDigest digest of the blobs QEMU loaded (a migration destination), {@link StateDigest#NONE} if none
 * @param loadedTypes the types loaded, in type order
 */
public record ChannelReport(UUID vtpcmId, String listen, String engine, boolean connected, long connections, boolean inSync,
        long commands, StateDigest fetchedDigest, List<StateBlobType> fetchedTypes, StateDigest loadedDigest,
        List<StateBlobType> loadedTypes) {
    public ChannelReport {
        requireNonNull(vtpcmId, "vtpcmId is null");
        requireNonNull(listen, "listen is null");
        requireNonNull(engine, "engine is null");
        fetchedDigest = fetchedDigest == null ? StateDigest.NONE : fetchedDigest;
        loadedDigest = loadedDigest == null ? StateDigest.NONE : loadedDigest;
        fetchedTypes = fetchedTypes == null ? List.of() : List.copyOf(fetchedTypes);
        loadedTypes = loadedTypes == null ? List.of() : List.copyOf(loadedTypes);
    }

    /**
     * The whole state left through this channel: the permanent and volatile blobs fetched, a digest, and
     * the observer in sync. SAVESTATE is not required: a TPM 2.0 in swtpm normally has none (GET_STATEBLOB
     * answers TPM_RETRY, which QEMU takes as an empty blob and never sends on).
     */
    @JsonIgnore
    public boolean fetchedComplete() {
        return complete(inSync, fetchedDigest, fetchedTypes);
    }

    /** The whole state arrived through this channel: the permanent and volatile blobs loaded, a digest, and the observer in sync. */
    @JsonIgnore
    public boolean loadedComplete() {
        return complete(inSync, loadedDigest, loadedTypes);
    }

    /** The blob types every whole state has (the house rule, as in the node API's StateEvidence.WHOLE_STATE). */
    static final List<StateBlobType> WHOLE_STATE = List.of(StateBlobType.PERMANENT, StateBlobType.VOLATILE);

    static boolean complete(boolean inSync, StateDigest digest, List<StateBlobType> types) {
        return inSync && digest.isPresent() && types.containsAll(WHOLE_STATE);
    }
}
