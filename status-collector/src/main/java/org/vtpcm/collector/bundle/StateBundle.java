package org.vtpcm.collector.bundle;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * What the source node hands over to the destination for one vTPCM during a live migration.
 * Immutable: arrays are copied in and out, lists are unmodifiable copies. Construction validates
 * every field, so a decoded bundle is always a valid one.
 *
 * <p>{@link #toString()} never prints the identity private key (nor the nonce);
 * {@link #equals}/{@link #hashCode} compare array contents.
 *
 * @param formatVersion     content version, currently {@link #FORMAT_VERSION}
 * @param migrationId       the migration this bundle belongs to
 * @param nonce             the migration's 256-bit nonce (32 bytes)
 * @param vtpcmId           the vTPCM whose state this is
 * @param vmUuid            the VM it belongs to
 * @param vmName            libvirt name of the VM
 * @param epoch             the epoch the vTPCM will have at the destination (source epoch + 1), at least 1
 * @param sourceNode        sending node name
 * @param destinationNode   receiving node name
 * @param suite             the vTPCM's cryptographic suite
 * @param identityPrivateKey PKCS#8 DER of the vTPCM identity key (secret)
 * @param identityPublicKey X.509 SubjectPublicKeyInfo DER of the vTPCM identity key
 * @param policy            control policy, "deny" or "audit"
 * @param measurementLog    copy of the vTPCM's signed measurement log, carried verbatim
 * @param referenceValues   lower-case hex digests in use (informational)
 * @param createdAt         when the source built the bundle
 */
public record StateBundle(
        int formatVersion,
        UUID migrationId,
        byte[] nonce,
        UUID vtpcmId,
        UUID vmUuid,
        String vmName,
        long epoch,
        String sourceNode,
        String destinationNode,
        SuiteName suite,
        byte[] identityPrivateKey,
        byte[] identityPublicKey,
        String policy,
        List<Entry> measurementLog,
        List<String> referenceValues,
        Instant createdAt) {

    /**
     * The format version this code writes, and the only one a bundle object has. Version 2 dropped
     * version 1's TPM state digest field; a version-1 body still decodes (see {@link BundleCodec}),
     * to a bundle of this version.
     */
    public static final int FORMAT_VERSION = 2;
    /**
     * The previous format version, still read (for a rolling upgrade) but never written. Its body
     * has one more field, the TPM state digest (tag 0x10, 32 bytes), which was always zeros: the
     * bundle is built before libvirt migrates the VM, so the digest of the state that leaves is not
     * known yet (the engine compares the interposers' digests instead). The reader skips it.
     */
    static final int PREVIOUS_FORMAT_VERSION = 1;
    /** Most entries {@link #measurementLog} and {@link #referenceValues} may hold. */
    public static final int MAX_LIST_ENTRIES = Checks.MAX_LIST;

    public StateBundle {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported formatVersion " + formatVersion + " (supported: "
                    + FORMAT_VERSION + ")");
        }
        Checks.notNull(migrationId, "migrationId");
        nonce = Checks.exactCopy(nonce, Limits.NONCE_BYTES, "nonce");
        Checks.notNull(vtpcmId, "vtpcmId");
        Checks.notNull(vmUuid, "vmUuid");
        Checks.name(vmName, "vmName");
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be at least 1, not " + epoch);
        }
        Checks.name(sourceNode, "sourceNode");
        Checks.name(destinationNode, "destinationNode");
        Checks.notNull(suite, "suite");
        identityPrivateKey = Checks.boundedCopy(identityPrivateKey, Limits.PRIVATE_KEY_BYTES, "identityPrivateKey");
        identityPublicKey = Checks.boundedCopy(identityPublicKey, Limits.PUBLIC_KEY_BYTES, "identityPublicKey");
        Checks.notNull(policy, "policy");
        if (!policy.equals("deny") && !policy.equals("audit")) {
            throw new IllegalArgumentException("policy must be \"deny\" or \"audit\"");
        }
        measurementLog = Checks.list(measurementLog, "measurementLog");
        referenceValues = Checks.list(referenceValues, "referenceValues");
        for (int i = 0; i < referenceValues.size(); i++) {
            String value = referenceValues.get(i);
            if (value.length() > 2 * 64 || !Checks.HEX_DIGEST.matcher(value).matches()) {
                throw new IllegalArgumentException("referenceValues[" + i
                        + "] is not a lower-case hex digest of 1..64 bytes");
            }
        }
        Checks.notNull(createdAt, "createdAt");
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    /** A copy of the secret PKCS#8 key; callers should wipe it when done. */
    @Override
    public byte[] identityPrivateKey() {
        return identityPrivateKey.clone();
    }

    @Override
    public byte[] identityPublicKey() {
        return identityPublicKey.clone();
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof StateBundle that)) {
            return false;
        }
        return formatVersion == that.formatVersion
                && epoch == that.epoch
                && migrationId.equals(that.migrationId)
                && Arrays.equals(nonce, that.nonce)
                && vtpcmId.equals(that.vtpcmId)
                && vmUuid.equals(that.vmUuid)
                && vmName.equals(that.vmName)
                && sourceNode.equals(that.sourceNode)
                && destinationNode.equals(that.destinationNode)
                && suite == that.suite
                // Constant time for the secret, for good measure.
                && MessageDigest.isEqual(identityPrivateKey, that.identityPrivateKey)
                && Arrays.equals(identityPublicKey, that.identityPublicKey)
                && policy.equals(that.policy)
                && measurementLog.equals(that.measurementLog)
                && referenceValues.equals(that.referenceValues)
                && createdAt.equals(that.createdAt);
    }

    @Override
    public int hashCode() {
        // The private key is left out on purpose: a hash must not leak anything about it.
        return Objects.hash(formatVersion, migrationId, Arrays.hashCode(nonce), vtpcmId, vmUuid, vmName, epoch,
                sourceNode, destinationNode, suite, Arrays.hashCode(identityPublicKey), policy, measurementLog,
                referenceValues, createdAt);
    }

    /** Identifying fields and sizes only: no private key, no nonce, no log content. */
    @Override
    public String toString() {
        return "StateBundle[formatVersion=" + formatVersion + ", migrationId=" + migrationId + ", vtpcmId=" + vtpcmId
                + ", vmUuid=" + vmUuid + ", vmName=" + vmName + ", epoch=" + epoch + ", sourceNode=" + sourceNode
                + ", destinationNode=" + destinationNode + ", suite=" + suite + ", identityPrivateKey=<redacted>"
                + ", identityPublicKey=<" + identityPublicKey.length + " bytes>, policy=" + policy
                + ", measurementLog=<" + measurementLog.size() + " entries>, referenceValues=<"
                + referenceValues.size() + " values>, createdAt=" + createdAt + "]";
    }

    /**
     * One entry of the vTPCM's signed measurement log, carried verbatim (the destination's vTPCM
     * layer verifies the chain and signatures, not the codec). Strings must be UTF-8 encodable
     * and within per-field size limits; {@code seq} must not be negative.
     */
    public record Entry(long seq, String at, String event, String target, String digest, String verdict,
            String detail, String previousHash, String entryHash, String signature) {

        public Entry {
            if (seq < 0) {
                throw new IllegalArgumentException("entry seq must not be negative, not " + seq);
            }
            Checks.text(at, Limits.ENTRY_AT_BYTES, "entry at");
            Checks.text(event, Limits.ENTRY_EVENT_BYTES, "entry event");
            Checks.text(target, Limits.ENTRY_TARGET_BYTES, "entry target");
            Checks.text(digest, Limits.ENTRY_DIGEST_BYTES, "entry digest");
            Checks.text(verdict, Limits.ENTRY_VERDICT_BYTES, "entry verdict");
            Checks.text(detail, Limits.ENTRY_DETAIL_BYTES, "entry detail");
            Checks.text(previousHash, Limits.ENTRY_HASH_BYTES, "entry previousHash");
            Checks.text(entryHash, Limits.ENTRY_HASH_BYTES, "entry entryHash");
            Checks.text(signature, Limits.ENTRY_SIGNATURE_BYTES, "entry signature");
        }
    }
}
