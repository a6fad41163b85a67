package org.vtpcm.nodeapi;

/**
 * Answer of PUT /v1/revocations: the CRL number the manager now holds (decimal) and whether the
 * pushed list replaced the held one (false when it was the same list).
 */
public record RevocationStatus(String number, boolean installed) {
}
