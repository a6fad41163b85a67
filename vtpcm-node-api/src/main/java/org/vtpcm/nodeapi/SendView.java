package org.vtpcm.nodeapi;

/**
 * Answer of {@code send}: the transfer's figures and the destination's staged vTPCM row; for a send in
 * the background, the sealed bundle's size and the push just begun ({@code push} PUSHING, no row yet).
 */
public record SendView(long bundleBytes, int chunks, int streams, int retries, long millis, long epoch, AssociationView staged,
        BundleStatus push) {
    public SendView(long bundleBytes, int chunks, int streams, int retries, long millis, long epoch, AssociationView staged) {
        this(bundleBytes, chunks, streams, retries, millis, epoch, staged, null);
    }
}
