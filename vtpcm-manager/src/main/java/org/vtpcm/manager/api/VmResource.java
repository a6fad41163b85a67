package org.vtpcm.manager.api;

import org.vtpcm.nodeapi.NodePaths;
import org.vtpcm.nodeapi.VtpcmDetail;
import org.vtpcm.nodeapi.AssociationView;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.List;
import java.util.UUID;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.ControlPolicy;
import org.vtpcm.manager.keys.VtpcmSecretStore;
import org.vtpcm.manager.lifecycle.AttachReport;
import org.vtpcm.manager.lifecycle.StartReport;
import org.vtpcm.manager.lifecycle.VtpcmLifecycle;
import org.vtpcm.manager.tpcm.LogEntry;
import org.vtpcm.manager.tpcm.MeasurementLog;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.Requests;

/** VMs with their vTPCM: create, start, stop, destroy, list, show, measurement log. */
public final class VmResource implements ApiRoutes {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(VmResource.class);

    private final VtpcmLifecycle lifecycle;
    private final AssociationStore associations;
    private final MeasurementLog log;
    private final VtpcmSecretStore secrets;
    private final ObjectMapper json;
    private final ControlPolicy defaultPolicy;

    public VmResource(VtpcmLifecycle lifecycle, AssociationStore associations, MeasurementLog log, VtpcmSecretStore secrets,
            ObjectMapper json, ControlPolicy defaultPolicy) {
        this.lifecycle = requireNonNull(lifecycle, "lifecycle is null");
        this.associations = requireNonNull(associations, "associations is null");
        this.log = requireNonNull(log, "log is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.json = requireNonNull(json, "json is null");
        this.defaultPolicy = requireNonNull(defaultPolicy, "defaultPolicy is null");
    }

    /** Body of POST /v1/vms. */
    public record CreateVmRequest(String domainXml, String policy) {
    }

    /** Answer of POST /v1/vms/{uuid}/start. */
    public record StartView(AssociationView vtpcm, List<org.vtpcm.manager.tpcm.ArtifactMeasurement> measurements, String decision,
            List<String> reasons) {
    }

    /** Body of POST /v1/vms/{uuid}/vtpcm: the domain its owner (Nova) will define. */
    public record AttachRequest(String vmName, String domainXml, String policy) {
    }

    /** Answer of POST /v1/vms/{uuid}/vtpcm. */
    public record AttachView(UUID vtpcmId, String state, String decision, List<String> reasons, String domainXml,
            List<org.vtpcm.manager.tpcm.ArtifactMeasurement> measurements) {
    }

    /** Answer of GET /v1/vms/{uuid}/measurement-log. */
    public record LogView(UUID vtpcmId, boolean valid, List<String> problems, List<LogEntry> entries) {
    }


    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get(NodePaths.VTPCMS, this::list);
        routes.get("/v1/vtpcms/{vmUuid}", this::show);
        routes.post("/v1/vms", this::create);
        routes.post("/v1/vms/{vmUuid}/start", this::start);
        routes.post("/v1/vms/{vmUuid}/vtpcm", this::attach);
        routes.post("/v1/vms/{vmUuid}/stop", this::stop);
        routes.delete("/v1/vms/{vmUuid}", this::destroy);
        routes.get("/v1/vms/{vmUuid}/measurement-log", this::measurementLog);
    }

    private void list(Context context) {
        boolean all = "true".equals(context.queryParam("all"));
        context.json(associations.list(all).stream().map(AssociationViews::of).toList());
    }

    private void show(Context context) {
        Association row = lifecycle.live(Requests.uuid(context, "vmUuid"));
        context.json(new VtpcmDetail(AssociationViews.of(row), associations.history(row.vtpcmId())));
    }

    private void create(Context context) {
        CreateVmRequest request = Requests.body(context, json, CreateVmRequest.class);
        ControlPolicy policy = request.policy() == null ? defaultPolicy : parsePolicy(request.policy());
        Association row = lifecycle.create(Requests.required(request.domainXml(), "domainXml"), policy);
        context.status(201).json(AssociationViews.of(row));
    }

    private void start(Context context) {
        StartReport report = lifecycle.start(Requests.uuid(context, "vmUuid"));
        String decision = report.decision().alert() ? "alert" : "allow";
        context.json(new StartView(AssociationViews.of(report.association()), report.measurements(), decision, report.decision().reasons()));
    }

    private void attach(Context context) {
        UUID vmUuid = Requests.uuid(context, "vmUuid");
        AttachRequest request = Requests.body(context, json, AttachRequest.class);
        ControlPolicy policy = request.policy() == null ? defaultPolicy : parsePolicy(request.policy());
        AttachReport report = lifecycle.attach(vmUuid, Requests.required(request.domainXml(), "domainXml"), policy);
        if (request.vmName() != null && !request.vmName().equals(report.association().vmName())) {
            LOG.warn("vm {}: the caller names it {}, its domain XML {}", vmUuid, request.vmName(), report.association().vmName());
        }
        String decision = report.decision().alert() ? "alert" : "allow";
        context.status(201).json(new AttachView(report.association().vtpcmId(), report.association().state().name(), decision,
                report.decision().reasons(), report.domainXml(), report.measurements()));
    }

    private void stop(Context context) {
        context.json(AssociationViews.of(lifecycle.stop(Requests.uuid(context, "vmUuid"))));
    }

    private void destroy(Context context) {
        context.json(AssociationViews.of(lifecycle.destroy(Requests.uuid(context, "vmUuid"))));
    }

    private void measurementLog(Context context) {
        UUID vmUuid = Requests.uuid(context, "vmUuid");
        Association row = associations.list(true).stream().filter(a -> a.vmUuid().equals(vmUuid))
                .findFirst().orElseGet(() -> lifecycle.live(vmUuid));
        List<LogEntry> entries = log.entries(row.vtpcmId());
        List<String> problems = secrets.identityPublic(row.vtpcmId()).map(key -> log.verify(row.vtpcmId(), entries, key))
                .orElse(List.of("the vTPCM's identity key is erased; signatures can no longer be checked here"));
        context.json(new LogView(row.vtpcmId(), problems.isEmpty(), problems, entries));
    }

    private static ControlPolicy parsePolicy(String text) {
        try {
            return ControlPolicy.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }
}
