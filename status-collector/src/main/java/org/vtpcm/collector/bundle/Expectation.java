package org.vtpcm.collector.bundle;

import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * What the destination prepared for an incoming migration; {@link BundleCodec#open} refuses a
 * bundle that does not match it. The nonce is copied in and out and never printed.
 *
 * @param migrationId     the migration the destination is expecting
 * @param nonce           that migration's 256-bit nonce (32 bytes)
 * @param vtpcmId         the vTPCM being migrated
 * @param expectedEpoch   the epoch the vTPCM must have at the destination (source epoch + 1), at least 1
 * @param destinationNode this node's name
 */
public record Expectation(UUID migrationId, byte[] nonce, UUID vtpcmId, long expectedEpoch, String destinationNode) {

    public Expectation {
        Checks.notNull(migrationId, "migrationId");
        nonce = Checks.exactCopy(nonce, Limits.NONCE_BYTES, "nonce");
        Checks.notNull(vtpcmId, "vtpcmId");
        if (expectedEpoch < 1) {
            throw new IllegalArgumentException("expectedEpoch must be at least 1, not " + expectedEpoch);
        }
        Checks.name(destinationNode, "destinationNode");
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    /** The nonce without copying, for the codec's constant-time comparison. */
    byte[] nonceView() {
        return nonce;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Expectation that
                && migrationId.equals(that.migrationId)
                && Arrays.equals(nonce, that.nonce)
                && vtpcmId.equals(that.vtpcmId)
                && expectedEpoch == that.expectedEpoch
                && destinationNode.equals(that.destinationNode);
    }

    @Override
    public int hashCode() {
        return Objects.hash(migrationId, Arrays.hashCode(nonce), vtpcmId, expectedEpoch, destinationNode);
    }

    @Override
    public String toString() {
        return "Expectation[migrationId=" + migrationId + ", vtpcmId=" + vtpcmId + ", expectedEpoch=" + expectedEpoch
                + ", destinationNode=" + destinationNode + "]";
    }
}
