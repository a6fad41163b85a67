package org.vtpcm.manager.migration;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.association.UnknownVtpcmException;
import org.vtpcm.manager.migration.TransferException.Reason;

/**
 * Destination: receives a state bundle in chunks from the source manager into the spool, then
 * reassembles it, checks its length and SHA-256, and stages it with the source signing key that
 * prepare-incoming named. Only the source node prepare-incoming named for that migration may send;
 * a migration prepared without one takes chunks from nobody.
 */
public final class ChunkedBundleReceiver {
    public static final int MAX_CHUNK_BYTES = 512 * 1024;
    public static final int MAX_CHUNKS = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(ChunkedBundleReceiver.class);

    private final IncomingMigrations incoming;
    private final BundleSpool spool;
    private final BundleStager stager;
    private final long maxBundleBytes;

    public ChunkedBundleReceiver(IncomingMigrations incoming, BundleSpool spool, BundleStager stager, long maxBundleBytes) {
        this.incoming = requireNonNull(incoming, "incoming is null");
        this.spool = requireNonNull(spool, "spool is null");
        this.stager = requireNonNull(stager, "stager is null");
        if (maxBundleBytes <= 0) {
            throw new IllegalArgumentException("maxBundleBytes must be positive");
        }
        this.maxBundleBytes = maxBundleBytes;
    }

    /**
     * Keeps one chunk; a retry of a chunk already kept changes nothing.
     *
     * @param sender the common name of the caller's certificate, if it has one
     */
    public BundleSpool.Stored receive(UUID migrationId, Optional<String> sender, int index, int count, long length, byte[] sha256,
            byte[] chunk) {
        expected(migrationId, sender);
        checkLayout(count, length);
        if (index < 0 || index >= count) {
            throw new TransferException(Reason.INVALID_CHUNK, "chunk index " + index + " is outside 0.." + (count - 1));
        }
        if (chunk.length > MAX_CHUNK_BYTES) {
            throw new TransferException(Reason.BUNDLE_TOO_LARGE, "chunk " + index + " has " + chunk.length + " bytes; at most "
                    + MAX_CHUNK_BYTES + " are accepted");
        }
        if (chunk.length == 0) {
            throw new TransferException(Reason.INVALID_CHUNK, "chunk " + index + " is empty");
        }
        if (!MessageDigest.isEqual(Sha256.of(chunk), sha256)) {
            throw new TransferException(Reason.INVALID_CHUNK, "chunk " + index + " does not match its SHA-256");
        }
        BundleSpool.Stored stored = spool.put(migrationId, index, count, length, chunk);
        if (incoming.find(migrationId).isEmpty()) {
            spool.delete(migrationId); // aborted while the chunk was written
            throw notPrepared(migrationId);
        }
        return stored;
    }

    /** Reassembles, checks and stages the bundle, then drops the spool; a retry after success answers the staged row. */
    public synchronized Association stage(UUID migrationId, Optional<String> sender, int count, long length, byte[] sha256) {
        IncomingMigrations.Prepared prepared = expected(migrationId, sender);
        checkLayout(count, length);
        Optional<Association> already = stager.stagedFrom(migrationId, sha256);
        if (already.isPresent()) {
            return already.get();
        }
        byte[] bundle = spool.assemble(migrationId, count, length);
        if (!MessageDigest.isEqual(Sha256.of(bundle), sha256)) {
            throw new TransferException(Reason.BUNDLE_DIGEST_MISMATCH, "migration " + migrationId + ": the reassembled bundle ("
                    + length + " bytes) does not match the announced SHA-256");
        }
        Association staged = stager.stage(migrationId, bundle, prepared.sourceSigningKey().orElseThrow());
        spool.delete(migrationId);
        LOG.info("migration {}: staged from {} chunks ({} bytes) sent by {}", migrationId, count, length, sender.orElse("?"));
        return staged;
    }

    private IncomingMigrations.Prepared expected(UUID migrationId, Optional<String> sender) {
        IncomingMigrations.Prepared prepared = incoming.find(migrationId).orElseThrow(() -> notPrepared(migrationId));
        if (prepared.sourceSigningKey().isEmpty()) {
            throw new TransferException(Reason.NO_SOURCE_KEY, "migration " + migrationId + " was prepared without sourceSigningKey, "
                    + "which the chunked transfer needs; prepare it with the source's key or use stage");
        }
        // bound to this migration: only the node its prepare-incoming named; without a name, nobody may push
        if (prepared.sourceNode().isEmpty()) {
            throw new TransferException(Reason.SENDER_NOT_ALLOWED, "migration " + migrationId + " was prepared without sourceNode: "
                    + "no node may push its state in chunks");
        }
        if (!(sender.isPresent() && sender.get().equalsIgnoreCase(prepared.sourceNode().get()))) {
            throw new TransferException(Reason.SENDER_NOT_ALLOWED, "migration " + migrationId + " takes state only from node "
                    + prepared.sourceNode().get() + "; the caller's certificate names " + sender.map(name -> "'" + name + "'")
                    .orElse("no node"));
        }
        return prepared;
    }

    private void checkLayout(int count, long length) {
        if (length < 1) {
            throw new TransferException(Reason.INVALID_CHUNK, "the bundle length must be positive (got " + length + ")");
        }
        if (length > maxBundleBytes) {
            throw new TransferException(Reason.BUNDLE_TOO_LARGE, "a bundle of " + length + " bytes exceeds this node's limit of "
                    + maxBundleBytes + " (migration.max-bundle-bytes)");
        }
        if (count < 1 || count > MAX_CHUNKS || count > length) {
            throw new TransferException(Reason.INVALID_CHUNK, "the chunk count must be 1.." + Math.min(MAX_CHUNKS, length)
                    + " for " + length + " bytes (got " + count + ")");
        }
        if ((long) count * MAX_CHUNK_BYTES < length) {
            throw new TransferException(Reason.INVALID_CHUNK, count + " chunks of at most " + MAX_CHUNK_BYTES + " bytes cannot hold "
                    + length + " bytes");
        }
    }

    private static UnknownVtpcmException notPrepared(UUID migrationId) {
        return new UnknownVtpcmException("migration " + migrationId + " was not prepared on this node (or is already committed "
                + "or aborted)");
    }
}
