package org.vtpcm.nodeapi;

import org.vtpcm.protocol.state.StateDigest;

/**
 * What the control-channel interposer of a vTPCM's engine saw ({@code verify}): the digest of the
 * state blobs QEMU fetched (at a source, during the switchover) and loaded (at a destination).
 *
 * @param fetchedDigest digest of the fetched blobs, {@link StateDigest#NONE} if none
 * @param fetchedTypes blob types fetched, e.g. "PERMANENT,VOLATILE"
 * @param loadedDigest digest of the loaded blobs, {@link StateDigest#NONE} if none
 * @param loadedTypes blob types loaded
 * @param inSync false if the interposer lost track of the conversation (then no digest is claimed)
 */
public record StateEvidence(StateDigest fetchedDigest, String fetchedTypes, StateDigest loadedDigest, String loadedTypes, boolean inSync) {
    /** The blob types of a whole TPM state: both must have passed, in this order. */
    public static final String WHOLE_STATE = "PERMANENT,VOLATILE";

    public StateEvidence {
        fetchedDigest = fetchedDigest == null ? StateDigest.NONE : fetchedDigest;
        loadedDigest = loadedDigest == null ? StateDigest.NONE : loadedDigest;
        fetchedTypes = fetchedTypes == null ? "" : fetchedTypes;
        loadedTypes = loadedTypes == null ? "" : loadedTypes;
    }

    /** Nothing seen (no report yet, or it cannot be read). */
    public static StateEvidence none() {
        return new StateEvidence(StateDigest.NONE, "", StateDigest.NONE, "", false);
    }

    /** The digest of the whole state that left, once the interposer has seen it complete and in sync. */
    public java.util.Optional<StateDigest> left() {
        return whole(fetchedDigest, fetchedTypes);
    }

    /** The digest of the whole state that arrived, once the interposer has seen it complete and in sync. */
    public java.util.Optional<StateDigest> arrived() {
        return whole(loadedDigest, loadedTypes);
    }

    private java.util.Optional<StateDigest> whole(StateDigest digest, String types) {
        return inSync && types.startsWith(WHOLE_STATE) && digest.isPresent() ? java.util.Optional.of(digest) : java.util.Optional.empty();
    }
}
