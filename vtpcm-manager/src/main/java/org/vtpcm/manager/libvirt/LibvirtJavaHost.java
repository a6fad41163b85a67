package org.vtpcm.manager.libvirt;

import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.nodeapi.HostCpu;
import org.vtpcm.nodeapi.JobProgress;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.DomainJobStats;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.TypedIntParameter;
import org.libvirt.TypedParameter;
import org.libvirt.TypedStringParameter;
import org.libvirt.TypedUlongParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link LibvirtHost} over libvirt-java (JNA bindings to the host's libvirt.so). */
final class LibvirtJavaHost implements LibvirtHost {
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtJavaHost.class);
    /** virConnectListAllDomains flag: only running or paused domains. */
    private static final int LIST_ACTIVE = 1;

    private final String uri;
    private final Connect connect;

    private LibvirtJavaHost(String uri, Connect connect) {
        this.uri = uri;
        this.connect = connect;
    }

    static LibvirtJavaHost open(String uri) {
        requireNonNull(uri, "uri is null");
        try {
            return new LibvirtJavaHost(uri, new Connect(uri));
        } catch (org.libvirt.LibvirtException e) {
            throw new LibvirtException("cannot connect to libvirtd at " + uri + ": " + reason(e), e);
        }
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public void startTransient(String domainXml) {
        requireNonNull(domainXml, "domainXml is null");
        try {
            Domain domain = connect.domainCreateXML(domainXml, 0);
            LOG.info("started domain {} on {}", domain.getName(), uri);
        } catch (org.libvirt.LibvirtException e) {
            throw new LibvirtException("cannot start domain on " + uri + ": " + reason(e), e);
        }
    }

    @Override
    public void define(String domainXml) {
        requireNonNull(domainXml, "domainXml is null");
        try {
            Domain domain = connect.domainDefineXML(domainXml);
            LOG.info("defined domain {} on {}", domain.getName(), uri);
        } catch (org.libvirt.LibvirtException e) {
            throw new LibvirtException("cannot define domain on " + uri + ": " + reason(e), e);
        }
    }

    @Override
    public void start(String domainName) {
        Domain domain = lookup(domainName).orElseThrow(
                () -> new LibvirtException("no domain " + domainName + " on " + uri + " to start"));
        try {
            domain.create();
        } catch (org.libvirt.LibvirtException e) {
            throw new LibvirtException("cannot start " + domainName + " on " + uri + ": " + reason(e), e);
        }
    }

    @Override
    public void undefine(String domainName) {
        Optional<Domain> domain = lookup(domainName);
        if (domain.isEmpty()) {
            return;
        }
        try {
            domain.get().undefine();
        } catch (org.libvirt.LibvirtException e) {
            if (!isNoDomain(e) && !isNotRunning(e)) {
                throw new LibvirtException("cannot undefine " + domainName + " on " + uri + ": " + reason(e), e);
            }
        }
    }

    @Override
    public Optional<String> xml(String domainName) {
        Optional<Domain> domain = lookup(domainName);
        if (domain.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(domain.get().getXMLDesc(0));
        } catch (org.libvirt.LibvirtException e) {
            if (isNoDomain(e)) {
                return Optional.empty();
            }
            throw new LibvirtException("cannot read XML of " + domainName + " on " + uri + ": " + reason(e), e);
        }
    }

    @Override
    public List<DomainSummary> domains() {
        try {
            List<DomainSummary> summaries = new ArrayList<>();
            for (Domain domain : connect.listAllDomains(0)) {
                try {
                    summaries.add(new DomainSummary(domain.getName(), java.util.UUID.fromString(domain.getUUIDString()),
                            toState(domain.getInfo().state)));
                } catch (org.libvirt.LibvirtException e) {
                    if (!isNoDomain(e)) {
                        throw e;
                    }
                }
            }
            return List.copyOf(summaries);
        } catch (org.libvirt.LibvirtException e) {
            throw new LibvirtException("cannot list domains on " + uri + ": " + reason(e), e);
        }
    }

    @Override
    public void addLifecycleListener(java.util.function.Consumer<DomainLifecycleEvent> listener) {
        requireNonNull(listener, "listener is null");
        try {
            connect.addLifecycleListener((domain, event) -> {
                try {
                    listener.accept(new DomainLifecycleEvent(domain.getName(), java.util.UUID.fromString(domain.getUUIDString()),
                            kind(event.getType()), String.valueOf((Object) event.getDetail())));
                } catch (RuntimeException | org.libvirt.LibvirtException e) {
                    LOG.warn("life-cycle event from {} not handled: {}", uri, e.getMessage());
                }
                return 0;
            });
        } catch (org.libvirt.LibvirtException e) {
            throw new LibvirtException("cannot subscribe to domain events on " + uri + ": " + reason(e), e);
        }
    }

    private static DomainLifecycleEvent.Kind kind(org.libvirt.event.DomainEventType type) {
        return switch (type) {
            case DEFINED -> DomainLifecycleEvent.Kind.DEFINED;
            case UNDEFINED -> DomainLifecycleEvent.Kind.UNDEFINED;
            case STARTED -> DomainLifecycleEvent.Kind.STARTED;
            case SUSPENDED -> DomainLifecycleEvent.Kind.SUSPENDED;
            case RESUMED -> DomainLifecycleEvent.Kind.RESUMED;
            case STOPPED -> DomainLifecycleEvent.Kind.STOPPED;
            case CRASHED -> DomainLifecycleEvent.Kind.CRASHED;
            default -> DomainLifecycleEvent.Kind.OTHER;
        };
    }

    @Override
    public Optional<DomainState> state(String domainName) {
        return lookup(domainName).map(domain -> {
            try {
                return toState(domain.getInfo().state);
            } catch (org.libvirt.LibvirtException e) {
                if (isNoDomain(e)) {
                    return null; // it left between lookup and getInfo
                }
                throw new LibvirtException("cannot read state of " + domainName + " on " + uri + ": " + reason(e), e);
            }
        });
    }

    @Override
    public List<String> activeDomains() {
        try {
            List<String> names = new ArrayList<>();
            for (Domain domain : connect.listAllDomains(LIST_ACTIVE)) {
                names.add(domain.getName());
            }
            return List.copyOf(names);
        } catch (org.libvirt.LibvirtException e) {
            throw new LibvirtException("cannot list domains on " + uri + ": " + reason(e), e);
        }
    }

    @Override
    public Duration migrateLive(String domainName, String destinationUri, MigrationOptions options) {
        requireNonNull(destinationUri, "destinationUri is null");
        requireNonNull(options, "options is null");
        Domain domain = lookup(domainName).orElseThrow(
                () -> new LibvirtException("no domain " + domainName + " on " + uri + " to migrate"));
        long start = System.nanoTime();
        try {
            domain.migrateToURI(destinationUri, migrationParameters(domainName, options), MigrationFlags.forOptions(options));
        } catch (org.libvirt.LibvirtException e) {
            throw new LibvirtException("migration of " + domainName + " from " + uri + " to " + destinationUri
                    + " failed: " + reason(e), e);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Override
    public Optional<CompletedJob> completedJob(String domainName) {
        Optional<Domain> domain = lookup(domainName);
        if (domain.isEmpty()) {
            return Optional.empty();
        }
        try {
            DomainJobStats stats = domain.get().getJobStats(Domain.GetJobStatsFlags.COMPLETED);
            if (stats == null || stats.stats == null || stats.stats.length == 0) {
                return Optional.empty();
            }
            return Optional.of(new CompletedJob(
                    number(stats.stats, "time_elapsed"), number(stats.stats, "downtime"),
                    number(stats.stats, "memory_processed")));
        } catch (org.libvirt.LibvirtException e) {
            if (isNoDomain(e)) {
                return Optional.empty(); // it left (or stopped) between lookup and the call
            }
            throw new LibvirtException("cannot read job stats of " + domainName + " on " + uri + ": " + reason(e), e);
        }
    }

    /**
     * virDomainGetJobStats (what {@code virsh domjobinfo} shows): byte counts of a running
     * peer-to-peer migration. (The older virDomainGetJobInfo through libvirt-java gave the job's type
     * but no byte counts here.)
     */
    @Override
    public Optional<JobProgress> jobProgress(String domainName) {
        Optional<Domain> domain = lookup(domainName);
        if (domain.isEmpty()) {
            return Optional.empty();
        }
        try {
            DomainJobStats stats = domain.get().getJobStats(0);
            if (stats == null || stats.type == 0 || stats.stats == null) { // VIR_DOMAIN_JOB_NONE
                return Optional.empty();
            }
            return Optional.of(new JobProgress(number(stats.stats, "time_elapsed"), number(stats.stats, "data_total"),
                    number(stats.stats, "data_processed"), number(stats.stats, "data_remaining")));
        } catch (org.libvirt.LibvirtException e) {
            if (isNoDomain(e) || isNotRunning(e)) {
                return Optional.empty();
            }
            throw new LibvirtException("cannot read the job of " + domainName + " on " + uri + ": " + reason(e), e);
        }
    }

    @Override
    public void abortJob(String domainName) {
        Domain domain = lookup(domainName).orElseThrow(
                () -> new LibvirtException("no domain " + domainName + " on " + uri + " whose job to abort"));
        try {
            domain.abortJob();
            LOG.info("aborted the running job of {} on {}", domainName, uri);
        } catch (org.libvirt.LibvirtException e) {
            throw new LibvirtException("cannot abort the job of " + domainName + " on " + uri + ": " + reason(e), e);
        }
    }

    @Override
    public HostCpu hostCpu() {
        try {
            return HostCpu.fromCapabilities(connect.getCapabilities());
        } catch (org.libvirt.LibvirtException e) {
            throw new LibvirtException("cannot read the capabilities of " + uri + ": " + reason(e), e);
        }
    }

    @Override
    public void resume(String domainName) {
        Domain domain = lookup(domainName).orElseThrow(
                () -> new LibvirtException("no domain " + domainName + " on " + uri + " to resume"));
        try {
            domain.resume();
        } catch (org.libvirt.LibvirtException e) {
            throw new LibvirtException("cannot resume " + domainName + " on " + uri + ": " + reason(e), e);
        }
    }

    @Override
    public void destroy(String domainName) {
        Optional<Domain> domain = lookup(domainName);
        if (domain.isEmpty()) {
            return;
        }
        try {
            domain.get().destroy();
            LOG.info("destroyed domain {} on {}", domainName, uri);
        } catch (org.libvirt.LibvirtException e) {
            if (!isNoDomain(e) && !isNotRunning(e)) {
                throw new LibvirtException("cannot destroy " + domainName + " on " + uri + ": " + reason(e), e);
            }
        }
    }

    @Override
    public void close() {
        try {
            connect.close();
        } catch (org.libvirt.LibvirtException e) {
            LOG.warn("closing connection to {} failed: {}", uri, reason(e));
        }
    }

    private Optional<Domain> lookup(String domainName) {
        requireNonNull(domainName, "domainName is null");
        try {
            return Optional.of(connect.domainLookupByName(domainName));
        } catch (org.libvirt.LibvirtException e) {
            if (isNoDomain(e)) {
                return Optional.empty();
            }
            throw new LibvirtException("cannot look up " + domainName + " on " + uri + ": " + reason(e), e);
        }
    }

    private static TypedParameter[] migrationParameters(String domainName, MigrationOptions options) {
        List<TypedParameter> parameters = new ArrayList<>();
        // Always at least one parameter: libvirt-java 0.5.4 fails on an empty array.
        parameters.add(new TypedStringParameter(Domain.DomainMigrateParameters.VIR_MIGRATE_PARAM_DEST_NAME, domainName));
        if (options.parallelConnections() > 1) {
            parameters.add(new TypedIntParameter(Domain.DomainMigrateParameters.VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS,
                    options.parallelConnections()));
        }
        if (options.compress() && options.parallelConnections() > 1) {
            // multifd supports zlib/zstd only; xbzrle/mt are for the single-stream path
            parameters.add(new TypedStringParameter(Domain.DomainMigrateParameters.VIR_MIGRATE_PARAM_COMPRESSION, "zlib"));
        }
        if (options.bandwidthMiBs() > 0) {
            parameters.add(new TypedUlongParameter(Domain.DomainMigrateParameters.VIR_MIGRATE_PARAM_BANDWIDTH,
                    options.bandwidthMiBs()));
        }
        return parameters.toArray(new TypedParameter[0]);
    }

    private static long number(TypedParameter[] parameters, String field) {
        for (TypedParameter parameter : parameters) {
            if (field.equals(parameter.field)) {
                try {
                    return Long.parseUnsignedLong(parameter.getValueAsString());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static DomainState toState(DomainInfo.DomainState state) {
        return switch (state) {
            case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED -> DomainState.RUNNING;
            case VIR_DOMAIN_PAUSED, VIR_DOMAIN_PMSUSPENDED -> DomainState.PAUSED;
            case VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTDOWN -> DomainState.SHUT_OFF;
            case VIR_DOMAIN_CRASHED -> DomainState.CRASHED;
            default -> DomainState.OTHER;
        };
    }

    private static boolean isNoDomain(org.libvirt.LibvirtException e) {
        return e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN;
    }

    private static boolean isNotRunning(org.libvirt.LibvirtException e) {
        return e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_OPERATION_INVALID;
    }

    private static String reason(org.libvirt.LibvirtException e) {
        return e.getError() != null && e.getError().getMessage() != null ? e.getError().getMessage() : e.getMessage();
    }
}
