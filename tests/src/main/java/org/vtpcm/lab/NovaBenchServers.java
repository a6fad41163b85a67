package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.vtpcm.nova.NovaCloud;
import org.vtpcm.nova.NovaException;
import org.vtpcm.nova.NovaNotFoundException;
import org.vtpcm.nova.NovaServer;

/**
 * The Nova overhead benchmark's servers, one per flavor, booted from the lab image through the
 * {@code openstack} client and deleted the same way. A server found dead or stuck is replaced by a
 * new one (on the compute where the other server is, so the pair keeps its direction), at most
 * {@value #MAX_REPLACEMENTS} times per flavor.
 */
final class NovaBenchServers implements AutoCloseable {
    /** Every server of this bench is named with this prefix; leftovers of an earlier run are deleted at the start. */
    static final String NAME_PREFIX = "nova-overhead-";
    private static final Duration CLI = Duration.ofSeconds(300);
    private static final Duration BOOT_WAIT = Duration.ofSeconds(120);
    /** How long a server may stay busy (task state set, e.g. an aborted migration rolling back) before it is replaced. */
    private static final Duration IDLE_WAIT = Duration.ofSeconds(120);
    private static final int MAX_REPLACEMENTS = 5;

    /**
     * A booted server.
     *
     * @param instanceName its libvirt domain name ({@code OS-EXT-SRV-ATTR:instance_name})
     * @param console its serial console on every node, sampled in the background
     */
    record Server(NovaBenchFlavor flavor, String id, String name, String instanceName, NovaGuestConsole console) {
        Server {
            requireNonNull(flavor, "flavor is null");
            requireNonNull(id, "id is null");
            requireNonNull(name, "name is null");
            requireNonNull(instanceName, "instanceName is null");
            requireNonNull(console, "console is null");
        }
    }

    private final LabConfig lab;
    private final OpenStackLab openstack;
    private final NovaCloud nova;
    /** Synchronized: the shutdown hook may delete them while the run is still going. */
    private final Map<NovaBenchFlavor, Server> servers = Collections.synchronizedMap(new EnumMap<>(NovaBenchFlavor.class));
    private final Set<NovaBenchFlavor> suspect = EnumSet.noneOf(NovaBenchFlavor.class);
    private final Map<NovaBenchFlavor, Integer> replacements = new EnumMap<>(NovaBenchFlavor.class);
    private final List<String> endedVerdicts = new ArrayList<>();

    NovaBenchServers(LabConfig lab, OpenStackLab openstack, NovaCloud nova) {
        this.lab = requireNonNull(lab, "lab is null");
        this.openstack = requireNonNull(openstack, "openstack is null");
        this.nova = requireNonNull(nova, "nova is null");
    }

    /** Deletes the servers an earlier run of the bench left (stopped with SIGKILL, say). */
    void deleteLeftovers() {
        JsonNode listed = openstack.json(CLI, "server", "list", "--all-projects", "--name", "^" + NAME_PREFIX);
        for (JsonNode row : listed) {
            if (row.path("Name").asText().startsWith(NAME_PREFIX)) {
                System.out.println("  deleting the leftover server " + row.path("Name").asText() + " (" + row.path("ID").asText() + ")");
                delete(row.path("ID").asText());
            }
        }
    }

    /**
     * Boots the flavor's server on the node and waits until its guest settled: the vtpcm guest's
     * second TPM check step, the plain guest's "no TPM device" line (its init then idles).
     */
    Server boot(NovaBenchFlavor flavor, LabNode node) {
        if (servers.containsKey(flavor)) {
            throw new IllegalStateException("the " + flavor.key() + " server exists already");
        }
        String name = LabLeftovers.uniqueName(NAME_PREFIX + flavor.key());
        long start = System.nanoTime();
        String id;
        try {
            id = openstack.createServer(CLI, flavor.key(), name, node);
        } catch (LabNotReadyException e) {
            // a server that went to ERROR (or a client that timed out) leaves the server behind: delete it now
            deleteNamed(name);
            throw e;
        }
        NovaGuestConsole console = new NovaGuestConsole(openstack, lab.nodes(), id).sampling();
        Server server;
        try {
            String instanceName = nova.server(id).instanceName().orElseThrow(() -> new LabNotReadyException("Nova shows no"
                    + " instance name for server " + id + " (OS-EXT-SRV-ATTR:instance_name needs the admin's credentials)"));
            server = new Server(flavor, id, name, instanceName, console);
        } catch (RuntimeException e) {
            console.close();
            delete(id);
            throw e;
        }
        servers.put(flavor, server);
        try {
            if (flavor == NovaBenchFlavor.VTPCM) {
                console.awaitStepAfter(1, BOOT_WAIT);
            } else {
                new GuestConsole(openstack.consoleLog(node, id)).awaitLine(GuestConsole.NO_TPM_DEVICE, BOOT_WAIT, "server " + name);
            }
        } catch (LabNotReadyException e) {
            suspect.add(flavor);
            throw e;
        }
        System.out.printf("  %s server %s (%s, domain %s) ACTIVE on %s, guest settled after %d ms%n", flavor.key(), name, id,
                server.instanceName(), node.name(), (System.nanoTime() - start) / 1_000_000);
        return server;
    }

    /** The flavor's server after a migration that left it dead or stuck: replaced before its next use. */
    void markSuspect(NovaBenchFlavor flavor) {
        suspect.add(flavor);
    }

    /**
     * The flavor's server, idle (no task state) and ACTIVE on a compute; replaced first when it was
     * marked suspect, is gone, or is not ACTIVE once idle.
     *
     * @throws BenchGiveUp when the flavor's server would be replaced more than {@value #MAX_REPLACEMENTS} times
     */
    Server ready(NovaBenchFlavor flavor) {
        Server server = servers.get(flavor);
        if (server == null) {
            return replace(flavor, "it does not exist");
        }
        if (suspect.remove(flavor)) {
            return replace(flavor, "its last migration left it dead or stuck");
        }
        Optional<NovaServer> shown = awaitIdle(server.id());
        if (shown.isEmpty()) {
            return replace(flavor, "Nova no longer knows it");
        }
        NovaServer now = shown.get();
        if (now.taskState().isPresent() || !"ACTIVE".equals(now.status()) || now.host().isEmpty()) {
            return replace(flavor, "Nova shows it " + now.status() + now.taskState().map(task -> " (" + task + ")").orElse("")
                    + now.fault().map(fault -> ", fault: " + fault).orElse(""));
        }
        return server;
    }

    /** How many times each flavor's server was replaced. */
    Map<String, Integer> replacements() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        replacements.forEach((flavor, count) -> counts.put(flavor.key(), count));
        return counts;
    }

    /** The vtpcm guests' own TPM continuity verdicts, one per server booted (replaced ones first). */
    String vtpcmContinuity() {
        List<String> verdicts = new ArrayList<>(endedVerdicts);
        Server current = servers.get(NovaBenchFlavor.VTPCM);
        if (current != null) {
            verdicts.add(verdict(current));
        }
        return verdicts.isEmpty() ? "no vtpcm server ran" : String.join(" | ", verdicts);
    }

    private Server replace(NovaBenchFlavor flavor, String why) {
        int count = replacements.merge(flavor, 1, Integer::sum);
        if (count > MAX_REPLACEMENTS) {
            throw new BenchGiveUp("the " + flavor.key() + " server would be replaced a " + count + "th time (" + why + ")");
        }
        Server old = servers.remove(flavor);
        if (old != null) {
            System.out.println("  replacing the " + flavor.key() + " server " + old.name() + ": " + why);
            remove(old);
        }
        return boot(flavor, partnerNode(flavor).orElse(lab.node(1)));
    }

    /** Where the other flavor's server is, so a replacement starts where its pair partner is. */
    private Optional<LabNode> partnerNode(NovaBenchFlavor flavor) {
        for (Map.Entry<NovaBenchFlavor, Server> entry : Map.copyOf(servers).entrySet()) {
            if (entry.getKey() == flavor) {
                continue;
            }
            try {
                Optional<String> host = nova.server(entry.getValue().id()).host();
                return lab.nodes().stream().filter(node -> host.map(node.name()::equals).orElse(false)).findFirst();
            } catch (NovaException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Nova's view of the server once its task state is clear (or as it is after {@link #IDLE_WAIT}); empty when it is gone. */
    private Optional<NovaServer> awaitIdle(String id) {
        long deadline = System.nanoTime() + IDLE_WAIT.toNanos();
        while (true) {
            NovaServer shown;
            try {
                shown = nova.server(id);
            } catch (NovaNotFoundException e) {
                return Optional.empty();
            }
            if (shown.taskState().isEmpty() || System.nanoTime() - deadline > 0) {
                return Optional.of(shown);
            }
            LabSwtpm.sleep(500);
        }
    }

    private String verdict(Server server) {
        return "server " + server.name() + ": " + server.console().verdict().summary();
    }

    private void remove(Server server) {
        if (server.flavor() == NovaBenchFlavor.VTPCM) {
            endedVerdicts.add(verdict(server));
        }
        server.console().close();
        delete(server.id());
    }

    private void deleteNamed(String name) {
        try {
            nova.serversByName(name).forEach(server -> delete(server.id()));
        } catch (NovaException e) {
            System.err.println("bench nova-overhead: could not look up server " + name + " to delete it: " + e.getMessage());
        }
    }

    /** {@code openstack server delete --wait}; with the vtpcm flavor our driver destroys the vTPCM (the engine and managers must run). */
    private void delete(String id) {
        try {
            OpenStackLab.Outcome outcome = openstack.attempt(CLI, "openstack", "server", "delete", "--wait", id);
            if (!outcome.ok()) {
                System.err.println("bench nova-overhead: could not delete server " + id + ": " + outcome.err().strip());
            }
        } catch (LabNotReadyException e) {
            System.err.println("bench nova-overhead: could not delete server " + id + ": " + e.getMessage());
        }
    }

    /** Deletes every server the bench booted. */
    @Override
    public void close() {
        for (NovaBenchFlavor flavor : NovaBenchFlavor.values()) {
            Server server = servers.remove(flavor);
            if (server != null) {
                remove(server);
            }
        }
    }
}
