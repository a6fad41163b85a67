package org.vtpcm.manager.lifecycle;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.ControlPolicy;
import org.vtpcm.manager.association.IllegalTransitionException;
import org.vtpcm.manager.association.VtpcmState;
import org.vtpcm.manager.domain.DomainXmlPatcher;
import org.vtpcm.manager.domain.InvalidDomainException;
import org.vtpcm.manager.domain.PreparedDomain;
import org.vtpcm.manager.engine.TpmEngines;
import org.vtpcm.manager.keys.VtpcmKeys;
import org.vtpcm.manager.keys.VtpcmSecretStore;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.manager.libvirt.LibvirtHost;
import org.vtpcm.manager.tpcm.ActiveControl;
import org.vtpcm.manager.tpcm.ArtifactMeasurement;
import org.vtpcm.manager.tpcm.BootMeasurer;
import org.vtpcm.manager.tpcm.ControlDecision;
import org.vtpcm.manager.tpcm.ControlDeniedException;
import org.vtpcm.manager.tpcm.MeasurementLog;

/**
 * Creates, starts, stops and destroys VMs with their vTPCM. Each operation either completes or
 * undoes what it did: nothing is left half-done.
 */
public final class VtpcmLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(VtpcmLifecycle.class);

    private final String nodeName;
    private final AssociationStore associations;
    private final VtpcmSecretStore secrets;
    private final TpmEngines engines;
    private final LibvirtHost libvirt;
    private final DomainXmlPatcher patcher;
    private final BootMeasurer measurer;
    private final MeasurementLog log;

    public VtpcmLifecycle(String nodeName, AssociationStore associations, VtpcmSecretStore secrets, TpmEngines engines,
            LibvirtHost libvirt, DomainXmlPatcher patcher, BootMeasurer measurer, MeasurementLog log) {
        this.nodeName = requireNonNull(nodeName, "nodeName is null");
        this.associations = requireNonNull(associations, "associations is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.engines = requireNonNull(engines, "engines is null");
        this.libvirt = requireNonNull(libvirt, "libvirt is null");
        this.patcher = requireNonNull(patcher, "patcher is null");
        this.measurer = requireNonNull(measurer, "measurer is null");
        this.log = requireNonNull(log, "log is null");
    }

    /** Defines the VM with a new vTPCM (identity key, encrypted TPM state) attached. */
    public synchronized Association create(String domainXml, ControlPolicy policy) {
        requireNonNull(policy, "policy is null");
        UUID vtpcmId = UUID.randomUUID();
        PreparedDomain domain = patcher.prepare(domainXml, engines.controlSocket(vtpcmId));
        if (associations.findLiveByVm(domain.uuid()).isPresent()) {
            throw new IllegalTransitionException("VM " + domain.uuid() + " already has a vTPCM on this node");
        }
        libvirt.domains().stream().filter(d -> d.name().equals(domain.name()) || d.uuid().equals(domain.uuid())).findAny()
                .ifPresent(existing -> {
                    throw new IllegalTransitionException("libvirt already has a domain named " + existing.name() + " ("
                            + existing.uuid() + ")");
                });
        VtpcmKeys keys = secrets.create(vtpcmId);
        Association created;
        try {
            created = associations.create(vtpcmId, domain.uuid(), domain.name(), VtpcmState.CREATED, 0, nodeName, policy);
        } catch (RuntimeException e) {
            secrets.erase(vtpcmId);
            throw e;
        }
        try {
            libvirt.define(domain.xml());
        } catch (RuntimeException e) {
            associations.transition(vtpcmId, VtpcmState.CREATED, VtpcmState.DESTROYED, "define failed: " + e.getMessage());
            secrets.erase(vtpcmId);
            throw e;
        }
        log.append(vtpcmId, keys.identityPrivate(), "create", domain.name(), "", "ok", "policy=" + policy.text() + " node=" + nodeName);
        return created;
    }

    /** Measures the boot artifacts, applies active control, then starts the TPM engine and the VM. */
    public synchronized StartReport start(UUID vmUuid) {
        Association row = live(vmUuid);
        if (row.state() != VtpcmState.CREATED) {
            throw new IllegalTransitionException("VM " + vmUuid + " cannot start: its vTPCM is " + row.state());
        }
        String currentXml = libvirt.xml(row.vmName()).orElseThrow(() -> new IllegalTransitionException(
                "libvirt has no domain " + row.vmName() + " for VM " + vmUuid));
        // re-patch: if someone edited the TPM device outside the manager, ours is put back
        PreparedDomain domain = patcher.prepare(currentXml, engines.controlSocket(row.vtpcmId()));
        libvirt.define(domain.xml());
        VtpcmKeys keys = secrets.load(row.vtpcmId()).orElseThrow(() -> new IllegalTransitionException(
                "the secrets of vTPCM " + row.vtpcmId() + " are missing"));
        List<ArtifactMeasurement> measurements = measurer.measure(domain.artifacts());
        for (ArtifactMeasurement measurement : measurements) {
            log.append(row.vtpcmId(), keys.identityPrivate(), "measure:" + measurement.kind().text(), measurement.target(),
                    measurement.digest(), measurement.trusted() ? "trusted" : "mismatch", measurement.note());
        }
        ControlDecision decision = ActiveControl.decide(row.policy(), measurements);
        String verdict = !decision.start() ? "deny" : decision.alert() ? "alert" : "allow";
        log.append(row.vtpcmId(), keys.identityPrivate(), "control", row.vmName(), "", verdict,
                "policy=" + row.policy().text() + (decision.reasons().isEmpty() ? "" : "; " + String.join("; ", decision.reasons())));
        if (!decision.start()) {
            LOG.warn("vm {} refused by active control: {}", vmUuid, decision.reasons());
            throw new ControlDeniedException("active control (policy deny) refused to start VM " + vmUuid, decision.reasons());
        }
        if (decision.alert()) {
            LOG.warn("vm {} started under audit policy despite: {}", vmUuid, decision.reasons());
        }
        engines.start(row.vtpcmId(), keys.stateKey(), false);
        try {
            libvirt.start(row.vmName());
        } catch (RuntimeException e) {
            engines.stop(row.vtpcmId());
            throw e;
        }
        Association running = associations.transition(row.vtpcmId(), VtpcmState.CREATED, VtpcmState.RUNNING, "started");
        return new StartReport(running, measurements, decision);
    }

    /**
     * Gives a VM whose owner (Nova) defines and starts the domain its vTPCM: created at the first call,
     * measured and checked by active control at every call, and the TPM engine started; answers the
     * domain XML with the vTPCM's TPM device for the owner to define. The manager neither defines nor
     * starts the domain. Repeating the call for a VM whose vTPCM runs answers the same (a retried spawn).
     */
    public synchronized AttachReport attach(UUID vmUuid, String domainXml, ControlPolicy policy) {
        requireNonNull(policy, "policy is null");
        Optional<Association> live = associations.findLiveByVm(vmUuid);
        UUID vtpcmId = live.map(Association::vtpcmId).orElseGet(UUID::randomUUID);
        PreparedDomain domain = patcher.prepare(domainXml, engines.controlSocket(vtpcmId));
        if (!domain.uuid().equals(vmUuid)) {
            throw new InvalidDomainException("the domain XML is for VM " + domain.uuid() + ", not " + vmUuid);
        }
        if (live.isPresent() && live.get().state() == VtpcmState.RUNNING && engines.runningPid(vtpcmId).isPresent()) {
            return new AttachReport(live.get(), domain.xml(), List.of(), ActiveControl.decide(live.get().policy(), List.of()));
        }
        if (live.isPresent() && live.get().state() != VtpcmState.CREATED && live.get().state() != VtpcmState.RUNNING) {
            throw new IllegalTransitionException("VM " + vmUuid + " cannot start: its vTPCM is " + live.get().state());
        }
        boolean fresh = live.isEmpty();
        VtpcmKeys keys = fresh ? secrets.create(vtpcmId) : secrets.load(vtpcmId).orElseThrow(() -> new IllegalTransitionException(
                "the secrets of vTPCM " + vtpcmId + " are missing"));
        Association row;
        try {
            row = fresh ? associations.create(vtpcmId, vmUuid, domain.name(), VtpcmState.CREATED, 0, nodeName, policy) : live.get();
        } catch (RuntimeException e) {
            secrets.erase(vtpcmId);
            throw e;
        }
        if (fresh) {
            log.append(vtpcmId, keys.identityPrivate(), "create", domain.name(), "", "ok", "policy=" + policy.text() + " node=" + nodeName
                    + " domain owned by the caller");
        }
        List<ArtifactMeasurement> measurements = measurer.measure(domain.artifacts());
        for (ArtifactMeasurement measurement : measurements) {
            log.append(vtpcmId, keys.identityPrivate(), "measure:" + measurement.kind().text(), measurement.target(),
                    measurement.digest(), measurement.trusted() ? "trusted" : "mismatch", measurement.note());
        }
        ControlDecision decision = ActiveControl.decide(row.policy(), measurements);
        String verdict = !decision.start() ? "deny" : decision.alert() ? "alert" : "allow";
        log.append(vtpcmId, keys.identityPrivate(), "control", domain.name(), "", verdict,
                "policy=" + row.policy().text() + (decision.reasons().isEmpty() ? "" : "; " + String.join("; ", decision.reasons())));
        if (!decision.start()) {
            LOG.warn("vm {} refused by active control: {}", vmUuid, decision.reasons());
            if (fresh) { // nothing is left behind for a VM that never ran
                associations.transition(vtpcmId, VtpcmState.CREATED, VtpcmState.DESTROYED, "refused by active control");
                secrets.erase(vtpcmId);
            }
            throw new ControlDeniedException("active control (policy deny) refused to start VM " + vmUuid, decision.reasons());
        }
        if (row.state() == VtpcmState.CREATED) {
            engines.start(vtpcmId, keys.stateKey(), false);
            row = associations.transition(vtpcmId, VtpcmState.CREATED, VtpcmState.RUNNING, "started for a domain its owner starts");
        } else {
            engines.start(vtpcmId, keys.stateKey(), false); // RUNNING row whose engine had stopped (e.g. a node restart)
        }
        LOG.info("vm {} has vTPCM {} running for its owner ({})", vmUuid, vtpcmId, verdict);
        return new AttachReport(row, domain.xml(), measurements, decision);
    }

    /** Stops the VM at once and its TPM engine; the vTPCM keeps its state. */
    public synchronized Association stop(UUID vmUuid) {
        Association row = live(vmUuid);
        if (row.state() != VtpcmState.RUNNING) {
            throw new IllegalTransitionException("VM " + vmUuid + " cannot stop: its vTPCM is " + row.state());
        }
        libvirt.destroy(row.vmName());
        engines.stop(row.vtpcmId());
        return moveIfStill(row, VtpcmState.RUNNING, VtpcmState.CREATED, "stopped");
    }

    /** Undefines a stopped VM and erases its vTPCM (TPM state and keys). Its measurement log stays. */
    public synchronized Association destroy(UUID vmUuid) {
        Association found = live(vmUuid);
        if (found.state() == VtpcmState.RUNNING && !domainActive(found.vmName())) {
            // the domain's owner (Nova) destroyed it before libvirt's stop event reached us
            engines.stop(found.vtpcmId());
            found = moveIfStill(found, VtpcmState.RUNNING, VtpcmState.CREATED, "domain gone");
        }
        Association row = found;
        if (row.state() != VtpcmState.CREATED) {
            throw new IllegalTransitionException("VM " + vmUuid + " must be stopped before it is destroyed (vTPCM is "
                    + row.state() + ")");
        }
        secrets.load(row.vtpcmId()).ifPresent(keys -> log.append(row.vtpcmId(), keys.identityPrivate(), "destroy", row.vmName(),
                "", "ok", "state and keys erased"));
        libvirt.undefine(row.vmName());
        engines.stop(row.vtpcmId());
        engines.eraseState(row.vtpcmId());
        secrets.erase(row.vtpcmId());
        return associations.transition(row.vtpcmId(), VtpcmState.CREATED, VtpcmState.DESTROYED, "destroyed");
    }

    private boolean domainActive(String vmName) {
        return libvirt.state(vmName).map(DomainState::isActive).orElse(false);
    }

    /** The VM's live vTPCM row, or UnknownVtpcmException. */
    public Association live(UUID vmUuid) {
        return associations.live(vmUuid);
    }

    private Association moveIfStill(Association row, VtpcmState from, VtpcmState to, String reason) {
        try {
            return associations.transition(row.vtpcmId(), from, to, reason);
        } catch (IllegalTransitionException e) {
            // the domain-event handler may have recorded the same stop first
            Association now = associations.find(row.vtpcmId()).orElseThrow();
            if (now.state() == to) {
                return now;
            }
            throw e;
        }
    }
}
