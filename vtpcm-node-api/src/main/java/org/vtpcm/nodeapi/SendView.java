package org.vtpcm.nodeapi;

/** Answer of {@code send}: the transfer's figures and the destination's staged vTPCM row. */
public record SendView(long bundleBytes, int chunks, int streams, int retries, long millis, long epoch, AssociationView staged) {
}
