package org.vtpcm.collector.bundle;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.vtpcm.protocol.crypto.SuiteName;

/** Mutable test builder for {@link StateBundle}, so each test changes just the field it is about. */
final class BundleBuilder {

    int formatVersion = StateBundle.FORMAT_VERSION;
    UUID migrationId;
    byte[] nonce;
    UUID vtpcmId;
    UUID vmUuid;
    String vmName;
    long epoch;
    String sourceNode;
    String destinationNode;
    SuiteName suite;
    byte[] identityPrivateKey;
    byte[] identityPublicKey;
    String policy;
    List<StateBundle.Entry> measurementLog;
    List<String> referenceValues;
    Instant createdAt;

    BundleBuilder formatVersion(int v) { formatVersion = v; return this; }
    BundleBuilder migrationId(UUID v) { migrationId = v; return this; }
    BundleBuilder nonce(byte[] v) { nonce = v; return this; }
    BundleBuilder vtpcmId(UUID v) { vtpcmId = v; return this; }
    BundleBuilder vmUuid(UUID v) { vmUuid = v; return this; }
    BundleBuilder vmName(String v) { vmName = v; return this; }
    BundleBuilder epoch(long v) { epoch = v; return this; }
    BundleBuilder sourceNode(String v) { sourceNode = v; return this; }
    BundleBuilder destinationNode(String v) { destinationNode = v; return this; }
    BundleBuilder suite(SuiteName v) { suite = v; return this; }
    BundleBuilder identityPrivateKey(byte[] v) { identityPrivateKey = v; return this; }
    BundleBuilder identityPublicKey(byte[] v) { identityPublicKey = v; return this; }
    BundleBuilder policy(String v) { policy = v; return this; }
    BundleBuilder measurementLog(List<StateBundle.Entry> v) { measurementLog = v; return this; }
    BundleBuilder referenceValues(List<String> v) { referenceValues = v; return this; }
    BundleBuilder createdAt(Instant v) { createdAt = v; return this; }

    StateBundle build() {
        return new StateBundle(formatVersion, migrationId, nonce, vtpcmId, vmUuid, vmName, epoch, sourceNode,
                destinationNode, suite, identityPrivateKey, identityPublicKey, policy, measurementLog,
                referenceValues, createdAt);
    }
}
