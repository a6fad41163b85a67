package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.hosts.VtpcmLocator;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.MigrationOptions;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.journal.VmAlreadyMigratingException;

/** REQUESTED: journals a new migration of a VM's live, RUNNING vTPCM, for the coordinator and for Nova's hooks alike. */
final class MigrationOpener {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationOpener.class);

    private final MigrationJournal journal;
    private final VtpcmLocator locator;
    private final SecureRandom random = new SecureRandom();

    MigrationOpener(MigrationJournal journal, VtpcmLocator locator) {
        this.journal = requireNonNull(journal, "journal is null");
        this.locator = requireNonNull(locator, "locator is null");
    }

    MigrationRun open(MigrationRequest request) {
        JsonNode vtpcm = locator.find(request.vm()).orElseThrow(() -> new UnknownVmException("no node holds a live vTPCM for VM '"
                + request.vm() + "'"));
        String state = vtpcm.path("state").asText();
        if (!"RUNNING".equals(state)) {
            throw new VmAlreadyMigratingException("the vTPCM of VM '" + request.vm() + "' is " + state + " on "
                    + vtpcm.path("host").asText() + ", not RUNNING: it is migrating or its VM is stopped");
        }
        UUID id = UUID.randomUUID();
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        UUID vmUuid = UUID.fromString(vtpcm.path("vmUuid").asText());
        MigrationOptions options = new MigrationOptions(request.strategy(), request.parallel(), request.compress(), request.tls(),
                request.verifyBeforeResume(), request.bandwidthMiBs());
        journal.create(id, HexFormat.of().formatHex(nonce), vmUuid, options);
        MigrationRun run = new MigrationRun(id, nonce, vmUuid, options, request.to());
        run.vmName = vtpcm.path("vmName").asText();
        run.vtpcmId = UUID.fromString(vtpcm.path("vtpcmId").asText());
        run.source = vtpcm.path("host").asText();
        run.sourceEpoch = vtpcm.path("epoch").asLong();
        run.policy = vtpcm.path("policy").asText("deny");
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("vm_name", run.vmName);
        facts.put("vtpcm_id", run.vtpcmId);
        facts.put("source", run.source);
        facts.put("epoch", run.newEpoch());
        journal.update(id, facts);
        journal.done(id, Phase.REQUESTED, "vm " + run.vmName + " with vTPCM " + run.vtpcmId + " on " + run.source);
        LOG.info("migration {}: requested for vm {} on {} ({})", id, run.vmName, run.source, options);
        return run;
    }
}
