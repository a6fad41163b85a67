package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.MigrationOptions;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.journal.VmAlreadyMigratingException;
import org.vtpcm.nodeapi.AssociationView;

/** REQUESTED: journals a new migration of a VM's live, RUNNING vTPCM, for the coordinator and for Nova's hooks alike. */
final class MigrationOpener {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationOpener.class);

    private final MigrationJournal journal;
    private final Function<String, Optional<AssociationView>> locator;
    private final SecureRandom random = new SecureRandom();

    /** @param locator the live vTPCM of a VM named by UUID or domain name, across the nodes */
    MigrationOpener(MigrationJournal journal, Function<String, Optional<AssociationView>> locator) {
        this.journal = requireNonNull(journal, "journal is null");
        this.locator = requireNonNull(locator, "locator is null");
    }

    ActiveRun open(MigrationRequest request) {
        AssociationView vtpcm = locator.apply(request.vm()).orElseThrow(() -> new UnknownVmException("no node holds a live vTPCM for VM '"
                + request.vm() + "'"));
        if (!vtpcm.running()) {
            throw new VmAlreadyMigratingException("the vTPCM of VM '" + request.vm() + "' is " + vtpcm.state() + " on "
                    + vtpcm.host() + ", not RUNNING: it is migrating or its VM is stopped");
        }
        UUID id = UUID.randomUUID();
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        MigrationOptions options = new MigrationOptions(request.strategy(), request.parallel(), request.compress(), request.tls(),
                request.verifyBeforeResume(), request.bandwidthMiBs());
        SourceVtpcm source = new SourceVtpcm(vtpcm.host(), vtpcm.vmName(), vtpcm.vtpcmId(), vtpcm.epoch(), vtpcm.policy());
        MigrationContext context = MigrationContext.opened(id, nonce, vtpcm.vmUuid(), options, request.to(), source);
        journal.create(id, context.nonceHex(), context.vmUuid(), options);
        journal.source(id, source.vmName(), source.vtpcmId(), source.host(), source.newEpoch());
        journal.done(id, Phase.REQUESTED, "vm " + source.vmName() + " with vTPCM " + source.vtpcmId() + " on " + source.host());
        LOG.info("migration {}: requested for vm {} on {} ({})", id, source.vmName(), source.host(), options);
        return new ActiveRun(context);
    }
}
