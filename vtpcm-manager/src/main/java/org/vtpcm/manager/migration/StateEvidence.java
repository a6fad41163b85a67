package org.vtpcm.manager.migration;

/**
 * What the control-channel interposer of a vTPCM's engine saw: the digest of the state blobs QEMU
 * fetched (at a source, during the switchover) and loaded (at a destination).
 *
 * @param fetchedDigest hex digest of the fetched blobs, empty if none
 * @param fetchedTypes blob types fetched, e.g. "PERMANENT,VOLATILE"
 * @param loadedDigest hex digest of the loaded blobs, empty if none
 * @param loadedTypes blob types loaded
 * @param inSync false if the interposer lost track of the conversation (then no digest is claimed)
 */
public record StateEvidence(String fetchedDigest, String fetchedTypes, String loadedDigest, String loadedTypes, boolean inSync) {
}
