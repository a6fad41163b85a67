package org.vtpcm.nodeapi;

/**
 * Where a source's push of a vTPCM's sealed bundle to the destination stands: the push runs in the
 * background while the VM's memory pre-copy runs (a {@code send} with {@code background}).
 *
 * @param error why the push failed (FAILED only)
 */
public record BundleStatus(State state, long bundleBytes, int chunks, int retries, long millis, String error) {
    public enum State {
        /** Chunks on their way or the destination staging them. */
        PUSHING,
        /** The destination staged the bundle. */
        STAGED,
        /** The destination refused it or stayed unreachable through every retry. */
        FAILED
    }

    public boolean staged() {
        return state == State.STAGED;
    }

    public boolean failed() {
        return state == State.FAILED;
    }
}
