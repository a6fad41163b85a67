package org.vtpcm.manager.engine;

import java.nio.file.Path;
import java.util.UUID;
import org.vtpcm.nodeapi.StateEvidence;

/**
 * The node's control-channel interposer as the manager uses it: one service process per node (never
 * one per VM) that fronts every vTPCM's swtpm control channel and sees the state blobs QEMU fetches
 * and loads. Its own process, so a manager restart never touches a running VM's control channel.
 */
public interface ControlChannels {
    /** Makes sure the node's interposer runs (starting it if none answers); answers its pid. */
    long open();

    /** QEMU's side of the vTPCM's control channel at {@code listen}, relayed to the swtpm control socket {@code engine}. Idempotent. */
    void serve(UUID vtpcmId, Path listen, Path engine);

    /** Stops serving the vTPCM's channel and forgets what it saw. */
    void forget(UUID vtpcmId);

    /** The digests of the complete state QEMU fetched (left) and loaded (arrived) on the vTPCM's channel; none while incomplete. */
    StateEvidence evidence(UUID vtpcmId);
}
