package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.journal.MigrationOptions;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.protocol.state.StateDigest;

/**
 * What one migration's phases know, immutable: each phase receives one and returns the next. The
 * durable part is in the journal; the rest (the destination's ephemeral key, the attestation time)
 * matters only before the switchover, where a restart rolls back.
 *
 * @param source the vTPCM at its source; null only for a migration journaled before it was located (then it rolls back)
 * @param destination null until a target is selected
 * @param switchover null until the switchover (from then on the migration only rolls forward)
 * @param digestLeft null until read from the source's interposer
 */
public record MigrationContext(UUID id, String nonceHex, UUID vmUuid, MigrationOptions options, Optional<String> requestedHost,
        SourceVtpcm source, HostConfig destination, String ephemeralPublicKey, Instant destinationAttestedAt, SwitchoverFacts switchover,
        StateDigest digestLeft, StateDigest digestArrived, ArrivalFacts arrival) {
    public MigrationContext {
        requireNonNull(id, "id is null");
        requireNonNull(nonceHex, "nonceHex is null");
        requireNonNull(vmUuid, "vmUuid is null");
        requireNonNull(options, "options is null");
        requireNonNull(requestedHost, "requestedHost is null");
        arrival = arrival == null ? ArrivalFacts.UNKNOWN : arrival;
    }

    /** A migration just opened: its vTPCM located at the source, nothing else done. */
    public static MigrationContext opened(UUID id, byte[] nonce, UUID vmUuid, MigrationOptions options, Optional<String> requestedHost,
            SourceVtpcm source) {
        return new MigrationContext(id, HexFormat.of().formatHex(nonce), vmUuid, options, requestedHost, requireNonNull(source, "source"),
                null, null, null, null, null, null, ArrivalFacts.UNKNOWN);
    }

    /** A migration rebuilt from the journal after a restart (its policy is no longer known: "deny"). */
    public static MigrationContext fromRecord(MigrationRecord record, Optional<HostConfig> destination) {
        SourceVtpcm source = record.source() == null || record.vtpcmId() == null ? null
                : new SourceVtpcm(record.source(), record.vmName(), record.vtpcmId(), record.epoch() == null ? 0 : record.epoch() - 1, "deny");
        return new MigrationContext(record.id(), record.nonce(), record.vmUuid(), record.options(), Optional.ofNullable(record.destination()),
                source, destination.orElse(null), null, null, record.switchedOver() ? SwitchoverFacts.unknownTimes() : null,
                record.digestLeft(), record.digestArrived(), ArrivalFacts.UNKNOWN);
    }

    public byte[] nonce() {
        return HexFormat.of().parseHex(nonceHex);
    }

    /** The source node's name, null if the vTPCM was never located. */
    public String sourceHost() {
        return source == null ? null : source.host();
    }

    public String destinationName() {
        return destination == null ? null : destination.name();
    }

    /** The epoch the vTPCM gets at the destination. */
    public long newEpoch() {
        return source.newEpoch();
    }

    public boolean switchedOver() {
        return switchover != null;
    }

    public boolean digestsKnown() {
        return digestLeft != null && digestArrived != null;
    }

    public MigrationContext withDestination(HostConfig host) {
        return new MigrationContext(id, nonceHex, vmUuid, options, requestedHost, source, requireNonNull(host, "host"), ephemeralPublicKey,
                destinationAttestedAt, switchover, digestLeft, digestArrived, arrival);
    }

    public MigrationContext withEphemeralPublicKey(String key) {
        return new MigrationContext(id, nonceHex, vmUuid, options, requestedHost, source, destination, key, destinationAttestedAt,
                switchover, digestLeft, digestArrived, arrival);
    }

    public MigrationContext withDestinationAttestedAt(Instant at) {
        return new MigrationContext(id, nonceHex, vmUuid, options, requestedHost, source, destination, ephemeralPublicKey, at, switchover,
                digestLeft, digestArrived, arrival);
    }

    /** Only {@link Switchovers} calls this, together with the journal. */
    MigrationContext withSwitchover(SwitchoverFacts facts) {
        return new MigrationContext(id, nonceHex, vmUuid, options, requestedHost, source, destination, ephemeralPublicKey,
                destinationAttestedAt, requireNonNull(facts, "facts"), digestLeft, digestArrived, arrival);
    }

    public MigrationContext withDigests(StateDigest left, StateDigest arrived) {
        return new MigrationContext(id, nonceHex, vmUuid, options, requestedHost, source, destination, ephemeralPublicKey,
                destinationAttestedAt, switchover, left, arrived, arrival);
    }

    public MigrationContext withArrival(ArrivalFacts facts) {
        return new MigrationContext(id, nonceHex, vmUuid, options, requestedHost, source, destination, ephemeralPublicKey,
                destinationAttestedAt, switchover, digestLeft, digestArrived, facts);
    }
}
