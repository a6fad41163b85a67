package org.vtpcm.manager.fakes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vtpcm.manager.libvirt.CompletedJob;
import org.vtpcm.manager.libvirt.DomainLifecycleEvent;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.manager.libvirt.DomainSummary;
import org.vtpcm.manager.libvirt.LibvirtException;
import org.vtpcm.manager.libvirt.LibvirtHost;
import org.vtpcm.manager.libvirt.MigrationOptions;

/** An in-memory libvirtd: defined domains, their state, and events sent to listeners. */
public final class FakeLibvirtHost implements LibvirtHost {
    private static final Pattern NAME = Pattern.compile("<name>([^<]+)</name>");
    private static final Pattern UUID_TAG = Pattern.compile("<uuid>([^<]+)</uuid>");

    private final Map<String, String> xml = new LinkedHashMap<>();
    private final Map<String, DomainState> states = new LinkedHashMap<>();
    private final List<Consumer<DomainLifecycleEvent>> listeners = new ArrayList<>();
    public boolean failNextStart;
    /** When set, migrateLive waits for it (a migration in progress), then reports success. */
    public volatile java.util.concurrent.CountDownLatch migrationRelease;
    /** What jobProgress reports; when {@link #jobGate} is set, jobProgress first waits for it (libvirtd holding the domain). */
    public volatile org.vtpcm.nodeapi.JobProgress progress;
    public volatile java.util.concurrent.CountDownLatch jobGate;
    public boolean failNextDefine;

    @Override
    public String uri() {
        return "fake:///system";
    }

    @Override
    public synchronized void startTransient(String domainXml) {
        define(domainXml);
        start(name(domainXml));
    }

    @Override
    public synchronized void define(String domainXml) {
        if (failNextDefine) {
            failNextDefine = false;
            throw new LibvirtException("fake: define refused");
        }
        String name = name(domainXml);
        xml.put(name, domainXml);
        states.putIfAbsent(name, DomainState.SHUT_OFF);
    }

    @Override
    public synchronized void start(String domainName) {
        if (failNextStart) {
            failNextStart = false;
            throw new LibvirtException("fake: start failed");
        }
        require(domainName);
        states.put(domainName, DomainState.RUNNING);
        emit(domainName, DomainLifecycleEvent.Kind.STARTED, "BOOTED");
    }

    /** Simulates a guest crash (as libvirt would report it). */
    public synchronized void crash(String domainName) {
        states.put(domainName, DomainState.SHUT_OFF);
        emit(domainName, DomainLifecycleEvent.Kind.STOPPED, "CRASHED");
    }

    @Override
    public synchronized void undefine(String domainName) {
        if (states.get(domainName) == DomainState.RUNNING) {
            throw new LibvirtException("fake: cannot undefine a running domain");
        }
        xml.remove(domainName);
        states.remove(domainName);
    }

    @Override
    public synchronized Optional<String> xml(String domainName) {
        return Optional.ofNullable(xml.get(domainName));
    }

    @Override
    public synchronized List<DomainSummary> domains() {
        List<DomainSummary> all = new ArrayList<>();
        for (String name : xml.keySet()) {
            all.add(new DomainSummary(name, uuid(xml.get(name)), states.get(name)));
        }
        return all;
    }

    @Override
    public synchronized void addLifecycleListener(Consumer<DomainLifecycleEvent> listener) {
        listeners.add(listener);
    }

    @Override
    public synchronized Optional<DomainState> state(String domainName) {
        return Optional.ofNullable(states.get(domainName));
    }

    @Override
    public synchronized List<String> activeDomains() {
        return states.entrySet().stream().filter(e -> e.getValue().isActive()).map(Map.Entry::getKey).toList();
    }

    @Override
    public Duration migrateLive(String domainName, String destinationUri, MigrationOptions options) {
        java.util.concurrent.CountDownLatch release = migrationRelease;
        if (release == null) {
            throw new LibvirtException("fake: migration is not simulated");
        }
        await(release);
        return Duration.ofMillis(1);
    }

    @Override
    public Optional<CompletedJob> completedJob(String domainName) {
        return Optional.empty();
    }

    @Override
    public Optional<org.vtpcm.nodeapi.JobProgress> jobProgress(String domainName) {
        java.util.concurrent.CountDownLatch gate = jobGate;
        if (gate != null) {
            await(gate);
        }
        return Optional.ofNullable(progress);
    }

    @Override
    public void abortJob(String domainName) {
        throw new LibvirtException("fake: no job to abort");
    }

    @Override
    public org.vtpcm.nodeapi.HostCpu hostCpu() {
        return new org.vtpcm.nodeapi.HostCpu("x86_64", "Intel", "fake-model");
    }

    @Override
    public synchronized void resume(String domainName) {
        states.put(domainName, DomainState.RUNNING);
    }

    @Override
    public synchronized void destroy(String domainName) {
        if (states.get(domainName) == DomainState.RUNNING) {
            states.put(domainName, DomainState.SHUT_OFF);
            emit(domainName, DomainLifecycleEvent.Kind.STOPPED, "DESTROYED");
        }
    }

    @Override
    public void close() {
    }

    private void require(String domainName) {
        if (!xml.containsKey(domainName)) {
            throw new LibvirtException("fake: no domain " + domainName);
        }
    }

    private void emit(String name, DomainLifecycleEvent.Kind kind, String detail) {
        DomainLifecycleEvent event = new DomainLifecycleEvent(name, uuid(xml.get(name)), kind, detail);
        for (Consumer<DomainLifecycleEvent> listener : List.copyOf(listeners)) {
            listener.accept(event);
        }
    }

    private static String name(String domainXml) {
        Matcher matcher = NAME.matcher(domainXml);
        if (!matcher.find()) {
            throw new LibvirtException("fake: no name");
        }
        return matcher.group(1);
    }

    private static UUID uuid(String domainXml) {
        Matcher matcher = UUID_TAG.matcher(domainXml);
        return matcher.find() ? UUID.fromString(matcher.group(1)) : new UUID(0, 0);
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LibvirtException("fake: interrupted");
        }
    }
}
