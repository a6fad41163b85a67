package org.vtpcm.manager.api;

import org.vtpcm.nodeapi.NodePaths;
import org.vtpcm.nodeapi.NodePaths.Hook;
import org.vtpcm.nodeapi.MigrateVmRequest;
import org.vtpcm.nodeapi.VmRequest;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.vtpcm.manager.libvirt.MigrationOptions;
import org.vtpcm.manager.migration.VmMigrations;
import org.vtpcm.nodeapi.BundleStatus;
import org.vtpcm.nodeapi.OutgoingView;
import org.vtpcm.nodeapi.ResumeRequest;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.Requests;

/**
 * The VM's own move, driven on the source node with its local libvirtd: migrate-vm (start, progress,
 * abort) at the source; arrival and resume (verify-before-resume) at the destination; where a
 * domain is, for recovery after a restart.
 */
public final class VmMigrationResource implements ApiRoutes {
    /** A libvirt URI of another node's system daemon, e.g. qemu+tcp://10.200.0.2/system. */
    private static final Pattern LIBVIRT_URI = Pattern.compile("qemu\\+(tcp|tls)://[A-Za-z0-9.\\-]{1,253}(:[0-9]{1,5})?/system");
    private static final int MAX_PARALLEL = 16;

    private final VmMigrations migrations;
    private final Function<UUID, Optional<BundleStatus>> pushes;
    private final ObjectMapper json;

    /** @param pushes the background pushes of bundles, whose status the source's view of a VM migration carries */
    public VmMigrationResource(VmMigrations migrations, Function<UUID, Optional<BundleStatus>> pushes, ObjectMapper json) {
        this.migrations = requireNonNull(migrations, "migrations is null");
        this.pushes = requireNonNull(pushes, "pushes is null");
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.post(Hook.MIGRATE_VM.route(), this::start);
        routes.get(Hook.MIGRATE_VM.route(), this::outgoing);
        routes.post(Hook.MIGRATE_VM_ABORT.route(), this::abort);
        routes.post(Hook.ARRIVAL.route(), this::arrival);
        routes.post(Hook.RESUME.route(), this::resume);
        routes.get("/v1/vms/{vmUuid}/domain", context -> context.json(migrations.domain(Requests.uuid(context, "vmUuid"))));
    }

    private void start(Context context) {
        UUID migrationId = Requests.uuid(context, "migrationId");
        MigrateVmRequest request = Requests.body(context, json, MigrateVmRequest.class);
        if (request.vmUuid() == null) {
            throw new BadRequestException("vmUuid is required");
        }
        String destination = Requests.required(request.destinationUri(), "destinationUri");
        if (!LIBVIRT_URI.matcher(destination).matches()) {
            throw new BadRequestException("destinationUri must be a libvirt URI like qemu+tcp://HOST/system");
        }
        String destinationNode = Requests.required(request.destinationNode(), "destinationNode");
        int parallel = request.parallel() == null ? 1 : request.parallel();
        if (parallel < 1 || parallel > MAX_PARALLEL) {
            throw new BadRequestException("parallel must be 1.." + MAX_PARALLEL);
        }
        long bandwidth = request.bandwidthMiBs() == null ? 0 : request.bandwidthMiBs();
        if (bandwidth < 0) {
            throw new BadRequestException("bandwidthMiBs must not be negative");
        }
        MigrationOptions options = new MigrationOptions(parallel, Boolean.TRUE.equals(request.compress()),
                !Boolean.FALSE.equals(request.tls()), !Boolean.FALSE.equals(request.paused()), bandwidth);
        context.status(202).json(withPush(migrations.start(migrationId, request.vmUuid(), destination, destinationNode, options)));
    }

    private void outgoing(Context context) {
        UUID migrationId = Requests.uuid(context, "migrationId");
        String vm = context.queryParam("vmUuid");
        UUID vmUuid;
        try {
            vmUuid = UUID.fromString(Requests.required(vm, "vmUuid"));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("the query parameter vmUuid must be a UUID");
        }
        String wait = context.queryParam(NodePaths.WAIT_PARAMETER);
        if (wait != null) {
            migrations.awaitSwitchoverOrEnd(migrationId, waitParameter(wait));
        }
        context.json(withPush(migrations.outgoing(migrationId, vmUuid)));
    }

    private static Duration waitParameter(String text) {
        long millis;
        try {
            millis = Long.parseLong(text);
        } catch (NumberFormatException e) {
            millis = -1;
        }
        if (millis < 0 || millis > NodePaths.MAX_WAIT.toMillis()) {
            throw new BadRequestException("the query parameter " + NodePaths.WAIT_PARAMETER + " must be 0.." + NodePaths.MAX_WAIT.toMillis());
        }
        return Duration.ofMillis(millis);
    }

    private OutgoingView withPush(OutgoingView view) {
        return pushes.apply(view.migrationId()).map(view::withBundle).orElse(view);
    }

    private void abort(Context context) {
        context.json(withPush(migrations.abort(Requests.uuid(context, "migrationId"))));
    }

    private void arrival(Context context) {
        UUID migrationId = Requests.uuid(context, "migrationId");
        context.json(migrations.arrival(migrationId, vm(context)));
    }

    private void resume(Context context) {
        UUID migrationId = Requests.uuid(context, "migrationId");
        ResumeRequest request = Requests.body(context, json, ResumeRequest.class);
        if (request.vmUuid() == null) {
            throw new BadRequestException("vmUuid is required");
        }
        context.json(migrations.resume(migrationId, request.vmUuid(), Optional.ofNullable(request.epoch())));
    }

    private UUID vm(Context context) {
        VmRequest request = Requests.body(context, json, VmRequest.class);
        if (request.vmUuid() == null) {
            throw new BadRequestException("vmUuid is required");
        }
        return request.vmUuid();
    }
}
