package org.vtpcm.manager.tpcm;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One entry of a vTPCM's measurement log. Each entry's hash chains to the previous one and is
 * signed with the vTPCM's identity key, so the log cannot be shortened, reordered or edited
 * without the verification failing.
 */
public record LogEntry(long seq, Instant at, String event, String target, String digest, String verdict, String detail,
        String previousHash, String entryHash, String signature) {
    public LogEntry {
        requireNonNull(at, "at is null");
        requireNonNull(event, "event is null");
        requireNonNull(target, "target is null");
        requireNonNull(digest, "digest is null");
        requireNonNull(verdict, "verdict is null");
        requireNonNull(detail, "detail is null");
        requireNonNull(previousHash, "previousHash is null");
        requireNonNull(entryHash, "entryHash is null");
        requireNonNull(signature, "signature is null");
    }

    /** The bytes the entry hash covers (besides the previous hash). */
    String canonical() {
        return seq + "\n" + at + "\n" + event + "\n" + target + "\n" + digest + "\n" + verdict + "\n" + detail;
    }
}
