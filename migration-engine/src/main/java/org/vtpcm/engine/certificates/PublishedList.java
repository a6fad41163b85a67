package org.vtpcm.engine.certificates;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.time.Instant;

/** The current revocation list: its CRL number, when it was issued, when holders should expect the next, and its DER. */
public record PublishedList(BigInteger number, Instant issuedAt, Instant nextUpdate, byte[] der) {
    public PublishedList {
        requireNonNull(number, "number is null");
        requireNonNull(issuedAt, "issuedAt is null");
        requireNonNull(nextUpdate, "nextUpdate is null");
        der = requireNonNull(der, "der is null").clone();
    }

    @Override
    public byte[] der() {
        return der.clone();
    }

    @Override
    public String toString() {
        return "PublishedList[number=" + number + ", issuedAt=" + issuedAt + ", nextUpdate=" + nextUpdate + "]";
    }
}
