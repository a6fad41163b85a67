package org.vtpcm.manager.migration;

import org.vtpcm.nodeapi.StateEvidence;

import static java.util.Objects.requireNonNull;

import java.security.PublicKey;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.collector.bundle.BundleCodec;
import org.vtpcm.collector.bundle.BundleRejectedException;
import org.vtpcm.collector.bundle.Expectation;
import org.vtpcm.collector.bundle.StateBundle;
import org.vtpcm.collector.store.Snapshot;
import org.vtpcm.collector.store.SnapshotId;
import org.vtpcm.collector.store.SnapshotKind;
import org.vtpcm.collector.store.SnapshotStore;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.IllegalTransitionException;
import org.vtpcm.manager.association.MigrationMismatchException;
import org.vtpcm.manager.association.UnknownVtpcmException;
import org.vtpcm.manager.association.VtpcmState;
import org.vtpcm.manager.engine.TpmEngines;
import org.vtpcm.manager.keys.NodeBundleKey;
import org.vtpcm.manager.keys.VtpcmKeys;
import org.vtpcm.manager.keys.VtpcmSecretStore;
import org.vtpcm.manager.libvirt.LibvirtHost;
import org.vtpcm.manager.tpcm.LogEntry;
import org.vtpcm.manager.tpcm.MeasurementLog;
import org.vtpcm.manager.tpcm.ReferenceValueLibrary;
import org.vtpcm.protocol.crypto.CryptoSuite;

/**
 * The migration hooks that carry state: export (source: bundle the TPCM layer's state, signed by
 * this node and encrypted to the destination's ephemeral key), stage (destination: open, check
 * against what it prepared, keep), evidence (the interposer's state digests), commit (both sides).
 */
public final class StateTransferHooks implements BundleStager {
    private static final Logger LOG = LoggerFactory.getLogger(StateTransferHooks.class);

    private final String nodeName;
    private final AssociationStore associations;
    private final VtpcmSecretStore secrets;
    private final TpmEngines engines;
    private final MeasurementLog log;
    private final ReferenceValueLibrary references;
    private final SnapshotStore snapshots;
    private final NodeBundleKey nodeKey;
    private final IncomingMigrations incoming;
    private final LibvirtHost libvirt;
    private final CryptoSuite suite;
    private final BundleCodec codec;
    private final Clock clock;
    private final java.util.function.Function<UUID, VmMigrations.Departure> departures;

    public StateTransferHooks(String nodeName, AssociationStore associations, VtpcmSecretStore secrets, TpmEngines engines,
            MeasurementLog log, ReferenceValueLibrary references, SnapshotStore snapshots, NodeBundleKey nodeKey,
            IncomingMigrations incoming, LibvirtHost libvirt, CryptoSuite suite, Clock clock, java.util.function.Function<UUID, VmMigrations.Departure> departures) {
        this.departures = requireNonNull(departures, "departures is null");
        this.nodeName = requireNonNull(nodeName, "nodeName is null");
        this.associations = requireNonNull(associations, "associations is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.engines = requireNonNull(engines, "engines is null");
        this.log = requireNonNull(log, "log is null");
        this.references = requireNonNull(references, "references is null");
        this.snapshots = requireNonNull(snapshots, "snapshots is null");
        this.nodeKey = requireNonNull(nodeKey, "nodeKey is null");
        this.incoming = requireNonNull(incoming, "incoming is null");
        this.libvirt = requireNonNull(libvirt, "libvirt is null");
        this.suite = requireNonNull(suite, "suite is null");
        this.codec = new BundleCodec(suite);
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A sealed bundle and the epoch it carries. */
    public record Exported(byte[] bundle, long epoch) {
    }

    /**
     * Source: the FROZEN vTPCM's TPCM-layer state, sealed for the destination; moves it to MIGRATING_OUT
     * and records the destination, the only one migrate-vm may then move the VM to. Repeated for a vTPCM
     * already MIGRATING_OUT in this migration, answers the bundle sealed then (kept as its FROZEN snapshot).
     */
    public synchronized Exported export(UUID migrationId, UUID vmUuid, String destinationNode, byte[] nonce, PublicKey destinationEphemeral) {
        Association row = MigrationMismatchException.requireCurrent(associations.live(vmUuid), migrationId);
        if (row.state() == VtpcmState.MIGRATING_OUT) {
            return exported(migrationId, row, destinationNode);
        }
        if (row.state() != VtpcmState.FROZEN) {
            throw new IllegalTransitionException("migration " + migrationId + ": export needs a FROZEN vTPCM, it is " + row.state());
        }
        VtpcmKeys keys = secrets.load(row.vtpcmId()).orElseThrow(() -> new IllegalTransitionException("vTPCM secrets missing"));
        long epoch = row.epoch() + 1;
        log.append(row.vtpcmId(), keys.identityPrivate(), "migrate-out", destinationNode, "", "exported",
                "migration " + migrationId + " epoch " + epoch);
        List<StateBundle.Entry> entries = log.entries(row.vtpcmId()).stream().map(e -> new StateBundle.Entry(e.seq(), e.at().toString(),
                e.event(), e.target(), e.digest(), e.verdict(), e.detail(), e.previousHash(), e.entryHash(), e.signature())).toList();
        List<String> referenceDigests = references.list(false).stream().map(value -> value.digest()).distinct().toList();
        StateBundle bundle = new StateBundle(StateBundle.FORMAT_VERSION, migrationId, nonce, row.vtpcmId(), row.vmUuid(), row.vmName(),
                epoch, nodeName, destinationNode, suite.name(), suite.encodePrivateKey(keys.identityPrivate()),
                suite.encodePublicKey(keys.identityPublic()), row.policy().text(), entries, referenceDigests, clock.instant());
        byte[] sealed = codec.seal(bundle, nodeKey.privateKey(), nodeKey.publicKey(), destinationEphemeral);
        snapshots.write(new Snapshot(new SnapshotId(row.vtpcmId(), SnapshotKind.FROZEN, epoch), migrationId, clock.instant(), sealed));
        associations.transition(migrationId, row.vtpcmId(), VtpcmState.FROZEN, VtpcmState.MIGRATING_OUT, -1,
                java.util.Optional.of(destinationNode), "migration " + migrationId + " exported to " + destinationNode);
        LOG.info("migration {}: exported vtpcm {} to {} ({} bytes, epoch {})", migrationId, row.vtpcmId(), destinationNode,
                sealed.length, epoch);
        return new Exported(sealed, epoch);
    }

    /**
     * Source: the bundle sealed for {@code destinationNode} earlier in this migration, for a push that
     * failed or whose outcome was lost (the engine restarted; it no longer knows the destination's key).
     */
    public synchronized Exported sealedAgain(UUID migrationId, UUID vmUuid, String destinationNode) {
        Association row = MigrationMismatchException.requireCurrent(associations.live(vmUuid), migrationId);
        if (row.state() != VtpcmState.MIGRATING_OUT) {
            throw new IllegalTransitionException("migration " + migrationId + ": nothing was sealed yet, the vTPCM is " + row.state()
                    + "; a first send needs the nonce and the destination's ephemeral key");
        }
        return exported(migrationId, row, destinationNode);
    }

    /**
     * The bundle already sealed in this migration (a send repeated after a failed or lost push): only to
     * the destination it was sealed for; the same bytes, so the destination stages it at most once.
     */
    private Exported exported(UUID migrationId, Association row, String destinationNode) {
        java.util.Optional<String> sealedFor = row.migration().flatMap(org.vtpcm.manager.association.MigrationBinding::destinationNode);
        if (!sealedFor.equals(java.util.Optional.of(destinationNode))) {
            throw new MigrationMismatchException(MigrationMismatchException.Reason.DESTINATION_MISMATCH, "migration " + migrationId
                    + ": the vTPCM's state was sealed for " + sealedFor.orElse("no recorded node") + ", not " + destinationNode);
        }
        long epoch = row.epoch() + 1;
        Snapshot snapshot = snapshots.read(new SnapshotId(row.vtpcmId(), SnapshotKind.FROZEN, epoch))
                .filter(found -> found.migrationId().equals(migrationId))
                .orElseThrow(() -> new IllegalTransitionException("migration " + migrationId + ": the sealed bundle of vTPCM "
                        + row.vtpcmId() + " is no longer kept here"));
        LOG.info("migration {}: sending the sealed bundle of vtpcm {} to {} again", migrationId, row.vtpcmId(), destinationNode);
        return new Exported(snapshot.payload(), epoch);
    }

    /**
     * Destination: {@link #stage(UUID, byte[], PublicKey)} with the source key prepare-incoming named; a
     * stage request may repeat that key but not change it, and must name one if prepare did not.
     */
    public Association stage(UUID migrationId, byte[] sealed, java.util.Optional<PublicKey> offeredSourceKey) {
        IncomingMigrations.Prepared prepared = incoming.find(migrationId)
                .orElseThrow(() -> new UnknownVtpcmException("migration " + migrationId + " was not prepared on this node"));
        return stage(migrationId, sealed, prepared.sourceKeyFor(offeredSourceKey));
    }

    @Override
    public synchronized java.util.Optional<Association> stagedFrom(UUID migrationId, byte[] bundleSha256) {
        return incoming.find(migrationId).flatMap(prepared -> associations.find(prepared.vtpcmId()))
                .filter(row -> row.state() == VtpcmState.STAGED && row.migrationId().equals(java.util.Optional.of(migrationId)))
                .filter(row -> snapshots.latest(row.vtpcmId(), SnapshotKind.STAGED)
                        .filter(snapshot -> snapshot.migrationId().equals(migrationId) && snapshot.id().epoch() == row.epoch())
                        .filter(snapshot -> java.security.MessageDigest.isEqual(Sha256.of(snapshot.payload()), bundleSha256))
                        .isPresent());
    }

    /** Destination: opens and checks the bundle against the prepared migration, keeps it; MIGRATING_IN -> STAGED. */
    @Override
    public synchronized Association stage(UUID migrationId, byte[] sealed, PublicKey sourceNodeKey) {
        IncomingMigrations.Prepared prepared = incoming.find(migrationId)
                .orElseThrow(() -> new UnknownVtpcmException("migration " + migrationId + " was not prepared on this node"));
        Association row = MigrationMismatchException.requireCurrent(associations.find(prepared.vtpcmId())
                .orElseThrow(() -> new UnknownVtpcmException("no vTPCM " + prepared.vtpcmId() + " on this node")), migrationId);
        if (row.state() == VtpcmState.STAGED && alreadyStaged(row, migrationId, sealed)) {
            return row; // a retried transfer of the same bundle: nothing is staged twice
        }
        if (row.state() != VtpcmState.MIGRATING_IN) {
            throw new IllegalTransitionException("migration " + migrationId + ": stage needs MIGRATING_IN, the vTPCM is " + row.state());
        }
        StateBundle bundle = codec.open(sealed, prepared.ephemeral().getPrivate(), prepared.ephemeral().getPublic(), sourceNodeKey,
                new Expectation(migrationId, prepared.nonce(), prepared.vtpcmId(), prepared.epoch(), nodeName));
        PublicKey identityPublic = suite.decodePublicKey(bundle.identityPublicKey());
        List<LogEntry> entries = bundle.measurementLog().stream().map(e -> new LogEntry(e.seq(), java.time.Instant.parse(e.at()),
                e.event(), e.target(), e.digest(), e.verdict(), e.detail(), e.previousHash(), e.entryHash(), e.signature())).toList();
        List<String> problems = log.verify(row.vtpcmId(), entries, identityPublic);
        if (!problems.isEmpty()) {
            throw new BundleRejectedException(BundleRejectedException.Reason.MALFORMED, "the measurement log in the bundle does not "
                    + "verify: " + problems.get(0));
        }
        VtpcmKeys local = secrets.load(row.vtpcmId()).orElseThrow(() -> new IllegalTransitionException("vTPCM secrets missing"));
        secrets.store(row.vtpcmId(), new VtpcmKeys(identityPublic, suite.decodePrivateKey(bundle.identityPrivateKey()), local.stateKey()));
        log.importEntries(row.vtpcmId(), entries);
        snapshots.write(new Snapshot(new SnapshotId(row.vtpcmId(), SnapshotKind.STAGED, bundle.epoch()), migrationId, clock.instant(),
                sealed));
        Association staged = associations.transition(migrationId, row.vtpcmId(), VtpcmState.MIGRATING_IN, VtpcmState.STAGED,
                bundle.epoch(), java.util.Optional.empty(), "migration " + migrationId + " staged from " + bundle.sourceNode());
        LOG.info("migration {}: staged vtpcm {} from {} (epoch {}, {} log entries)", migrationId, row.vtpcmId(), bundle.sourceNode(),
                bundle.epoch(), entries.size());
        return staged;
    }

    private boolean alreadyStaged(Association row, UUID migrationId, byte[] sealed) {
        return snapshots.latest(row.vtpcmId(), SnapshotKind.STAGED)
                .filter(snapshot -> snapshot.migrationId().equals(migrationId) && snapshot.id().epoch() == row.epoch())
                .filter(snapshot -> java.security.MessageDigest.isEqual(snapshot.payload(), sealed)).isPresent();
    }

    /** What the interposer saw cross the VM's control channel, for the vTPCM's current migration. */
    public StateEvidence evidence(UUID migrationId, UUID vmUuid) {
        Association row = MigrationMismatchException.requireCurrent(associations.live(vmUuid), migrationId);
        return engines.evidence(row.vtpcmId());
    }

    /** Destination: STAGED -> RUNNING, domain made persistent. Source: MIGRATING_OUT -> DESTROYED, state and keys erased. */
    public synchronized Association commit(UUID migrationId, UUID vmUuid) {
        Association row = MigrationMismatchException.requireCurrent(associations.live(vmUuid), migrationId);
        VtpcmKeys keys = secrets.load(row.vtpcmId()).orElseThrow(() -> new IllegalTransitionException("vTPCM secrets missing"));
        return switch (row.state()) {
            case STAGED -> {
                log.append(row.vtpcmId(), keys.identityPrivate(), "migrate-in", nodeName, "", "committed", "migration " + migrationId);
                libvirt.xml(row.vmName()).ifPresent(libvirt::define); // the migrated domain becomes persistent here
                incoming.remove(migrationId);
                Association running = associations.transition(migrationId, row.vtpcmId(), VtpcmState.STAGED, VtpcmState.RUNNING, -1,
                        java.util.Optional.empty(), "migration " + migrationId + " committed");
                LOG.info("migration {}: vtpcm {} committed here (epoch {})", migrationId, row.vtpcmId(), running.epoch());
                yield running;
            }
            case MIGRATING_OUT -> {
                switch (departures.apply(row.vmUuid())) {
                    case UNDER_WAY -> throw new IllegalTransitionException("migration " + migrationId + ": the VM has not switched "
                            + "over (libvirtd has not confirmed its migration); its vTPCM stays here");
                    // libvirt still stops QEMU here and undefines the domain itself at the end (UNDEFINE_SOURCE); a call on
                    // the domain would wait for that: the vTPCM is erased now all the same
                    case SWITCHED_OVER -> LOG.info("migration {}: libvirtd is still stopping {} here", migrationId, row.vmName());
                    case NONE -> libvirt.undefine(row.vmName());
                }
                engines.stop(row.vtpcmId());
                engines.eraseState(row.vtpcmId());
                secrets.erase(row.vtpcmId());
                snapshots.list(row.vtpcmId()).forEach(snapshots::delete);
                Association gone = associations.transition(migrationId, row.vtpcmId(), VtpcmState.MIGRATING_OUT, VtpcmState.DESTROYED,
                        -1, java.util.Optional.empty(), "migration " + migrationId + " committed at the destination; state erased here");
                LOG.info("migration {}: vtpcm {} left this node; state erased", migrationId, row.vtpcmId());
                yield gone;
            }
            default -> throw new IllegalTransitionException("migration " + migrationId + ": nothing to commit, the vTPCM is " + row.state());
        };
    }

}
