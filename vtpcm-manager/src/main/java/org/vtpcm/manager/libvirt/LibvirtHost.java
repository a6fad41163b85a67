package org.vtpcm.manager.libvirt;

import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.nodeapi.HostCpu;
import org.vtpcm.nodeapi.JobProgress;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One connection to one host's libvirtd. Our only view of libvirt, so tests can use a fake.
 * Implementations are thread-safe for the calls below; close() ends the connection.
 */
public interface LibvirtHost extends AutoCloseable {
    /** The URI this host was reached with, e.g. {@code qemu+tcp://10.200.0.1/system}. */
    String uri();

    /** Starts a transient domain from its XML. */
    void startTransient(String domainXml);

    /** Defines (or redefines) a persistent domain from its XML. */
    void define(String domainXml);

    /** Starts a defined domain. */
    void start(String domainName);

    /** Removes a stopped domain's definition; no-op if it is not defined here. */
    void undefine(String domainName);

    /** The domain's current XML, or empty when this host has no such domain. */
    Optional<String> xml(String domainName);

    /** Every domain on this host, running or not. */
    List<DomainSummary> domains();

    /**
     * Delivers this host's domain life-cycle events to the listener, from libvirt's event thread.
     * Needs a connection opened by {@link LibvirtConnector#connectWithEvents(String)}.
     */
    void addLifecycleListener(java.util.function.Consumer<DomainLifecycleEvent> listener);

    /** The state of the named domain here, or empty when this host has no such domain. */
    Optional<DomainState> state(String domainName);

    /** Names of domains that are running or paused on this host. */
    List<String> activeDomains();

    /**
     * Live-migrates the domain to the destination libvirtd, peer-to-peer; blocks until done.
     *
     * @return the wall-clock time the call took
     */
    Duration migrateLive(String domainName, String destinationUri, MigrationOptions options);

    /** Statistics of the domain's last completed migration, as known on this host. */
    Optional<CompletedJob> completedJob(String domainName);

    /** The progress of the domain's running job (e.g. an outgoing migration), or empty when none runs. */
    Optional<JobProgress> jobProgress(String domainName);

    /** Asks libvirt to abort the domain's running job; a migration then fails and the guest stays here. */
    void abortJob(String domainName);

    /** This host's CPU (architecture, vendor, model), from libvirt's capabilities. */
    HostCpu hostCpu();

    /** Resumes a paused domain. */
    void resume(String domainName);

    /** Stops the domain at once (no guest shutdown); no-op if it is not here. */
    void destroy(String domainName);

    @Override
    void close();
}
