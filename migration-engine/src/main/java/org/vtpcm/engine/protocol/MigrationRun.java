package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.journal.MigrationOptions;
import org.vtpcm.engine.journal.MigrationRecord;

/**
 * What one migration's phases share while it runs. The durable part is in the journal; the rest
 * (the destination's ephemeral key) is only needed before the switchover, where a restart rolls back.
 */
public final class MigrationRun {
    final UUID id;
    final byte[] nonce;
    final UUID vmUuid;
    final MigrationOptions options;
    final Optional<String> requestedHost;
    String vmName;
    UUID vtpcmId;
    String source;
    long sourceEpoch;
    String policy;
    HostConfig destination;
    String ephemeralPublicKey;
    String digestLeft;
    String digestArrived;
    Instant vmMigrationCompletedAt;
    /** When the destination's last attestation for this migration was checked (Nova's send renews a stale one). */
    Instant destinationAttestedAt;
    /** When the guest stopped at the source (the source manager saw libvirt's SUSPENDED event), if known. */
    Instant sourceSuspendedAt;
    long qemuDowntimeMillis = -1;
    long verificationPauseMillis;
    volatile boolean switchedOver;
    volatile boolean abortRequested;

    MigrationRun(UUID id, byte[] nonce, UUID vmUuid, MigrationOptions options, Optional<String> requestedHost) {
        this.id = requireNonNull(id, "id is null");
        this.nonce = nonce.clone();
        this.vmUuid = requireNonNull(vmUuid, "vmUuid is null");
        this.options = requireNonNull(options, "options is null");
        this.requestedHost = requireNonNull(requestedHost, "requestedHost is null");
    }

    /** A run rebuilt from the journal after a restart. */
    static MigrationRun fromRecord(MigrationRecord record, Optional<HostConfig> destination) {
        MigrationRun run = new MigrationRun(record.id(), HexFormat.of().parseHex(record.nonce()), record.vmUuid(), record.options(),
                Optional.ofNullable(record.destination()));
        run.vmName = record.vmName();
        run.vtpcmId = record.vtpcmId();
        run.source = record.source();
        run.sourceEpoch = record.epoch() == null ? 0 : record.epoch() - 1;
        run.destination = destination.orElse(null);
        run.switchedOver = record.switchedOver();
        run.digestLeft = record.digestLeft();
        run.digestArrived = record.digestArrived();
        return run;
    }

    public UUID id() {
        return id;
    }

    String nonceHex() {
        return HexFormat.of().formatHex(nonce);
    }

    /** The epoch the vTPCM gets at the destination. */
    long newEpoch() {
        return sourceEpoch + 1;
    }

    String destinationName() {
        return destination == null ? null : destination.name();
    }
}
