package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.engine.client.EngineClient;
import org.vtpcm.nodeapi.ManagerClient;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.tls.MutualTls;

/**
 * The whole vtpcm control plane on the lab: a manager on each node (enrolled with the lab CA), the
 * migration engine on the controller side with every node trusted, and a guest booted with its
 * vTPCM (a measured start) on node 1.
 */
public final class LabCloud implements AutoCloseable {
    private final LabConfig lab;
    private final LabCa ca;
    private final List<LabManager> managers = new ArrayList<>();
    private final LabEngine engine;
    private final List<UUID> guests = new ArrayList<>();

    private LabCloud(LabConfig lab) {
        this.lab = requireNonNull(lab, "lab is null");
        this.ca = LabCa.of(lab);
        for (LabNode node : lab.nodes()) {
            managers.add(new LabManager(lab, node, ca));
        }
        this.engine = new LabEngine(lab, ca);
    }

    /** Starts managers and the engine, registers the guest's reference values, trusts every node. */
    public static LabCloud start(LabConfig lab, String... engineConfigLines) throws Exception {
        return start(lab, List.of(), engineConfigLines);
    }

    /**
     * {@link #start} with QEMU's plaintext migration stream allowed on the engine and every manager
     * ({@code migration.allow-plaintext = true}): only for benchmarks that compare it with TLS.
     */
    public static LabCloud startAllowingPlaintext(LabConfig lab) throws Exception {
        return start(lab, List.of(PLAINTEXT), PLAINTEXT);
    }

    private static final String PLAINTEXT = "migration.allow-plaintext = true";

    private static LabCloud start(LabConfig lab, List<String> managerConfigLines, String... engineConfigLines) throws Exception {
        LabCloud cloud = new LabCloud(lab);
        try {
            CryptoSuite sm = CryptoSuites.of(SuiteName.SM);
            String kernel = digest(sm, lab.guestKernel());
            String initrd = digest(sm, lab.guestInitrd());
            for (LabManager manager : cloud.managers) {
                manager.configure("sm", managerConfigLines.toArray(new String[0]));
                manager.enroll();
                manager.start();
                manager.client().registerReferenceValue("kernel", kernel, "lab guest kernel");
                manager.client().registerReferenceValue("initrd", initrd, "lab guest initramfs");
            }
            cloud.engine.configure(engineConfigLines);
            cloud.engine.start();
            for (LabNode node : lab.nodes()) {
                cloud.engine.client().trust(node.name());
            }
            return cloud;
        } catch (Exception | Error e) {
            cloud.close();
            throw e;
        }
    }

    /**
     * The identity of Nova's compute service on the node (CN {@code nova-compute.<node>}), issued by
     * the cloud CA and written where the lab's nova-compute reads its {@code [vtpcm]} TLS files.
     */
    public SSLContext computeServiceTls(int node) {
        String name = "nova-compute." + lab.node(node).name();
        Path folder = lab.labDirectory().resolve("run").resolve("openstack").resolve("tls").resolve(name);
        if (!Files.exists(folder.resolve(name + ".crt"))) {
            CloudCa.load(ca.directory()).issueTlsIdentity(Role.NOVA_COMPUTE, name, List.of(), List.of(), Duration.ofDays(30), false, true)
                    .writePem(folder, name);
        }
        return MutualTls.context(folder, name);
    }

    public LabConfig lab() {
        return lab;
    }

    public LabCa ca() {
        return ca;
    }

    public LabEngine engine() {
        return engine;
    }

    public EngineClient engineClient() {
        return engine.client();
    }

    public LabManager manager(int node) {
        return managers.get(node - 1);
    }

    /** A booted guest with its vTPCM, and its console. */
    public record Guest(String name, UUID uuid, GuestConsole console) {
    }

    /**
     * Defines and starts (measured) a guest with its vTPCM on the node; waits for its first TPM check.
     * The name gets a short random suffix, so a rerun never meets a leftover of an earlier attempt.
     */
    public Guest bootGuest(int node, String baseName, int memoryMiB) throws Exception {
        String name = baseName + "-" + UUID.randomUUID().toString().substring(0, 6);
        Path consoleFile = lab.consoleDirectory().resolve(name + ".log");
        Files.deleteIfExists(consoleFile);
        UUID uuid = UUID.randomUUID();
        ManagerClient client = manager(node).client();
        client.createVm(new GuestDomainXml(name, uuid, memoryMiB, lab.guestKernel(), lab.guestInitrd(), consoleFile,
                Path.of("/replaced/by/the/manager")).toXml(), "deny");
        guests.add(uuid);
        client.startVm(uuid);
        GuestConsole console = new GuestConsole(consoleFile);
        console.awaitStepAfter(0, Duration.ofSeconds(90));
        return new Guest(name, uuid, console);
    }

    /** Which node's manager holds the guest's live vTPCM, from the engine's view. */
    public String hostOf(UUID vm) {
        return engineClient().vtpcm(vm.toString()).path("host").asText();
    }

    /** Stops and destroys the guest wherever it is. */
    public void destroyGuest(UUID vm) {
        for (LabManager manager : managers) {
            if (!manager.isRunning()) {
                continue;
            }
            try {
                JsonNode row = manager.client().vtpcm(vm).path("vtpcm");
                if (row.isMissingNode()) {
                    continue;
                }
                manager.client().stopVm(vm);
            } catch (RuntimeException e) {
                // not on this node, or already stopped
            }
            try {
                manager.client().destroyVm(vm);
            } catch (RuntimeException e) {
                // not on this node
            }
        }
        guests.remove(vm);
    }

    @Override
    public void close() {
        for (UUID vm : List.copyOf(guests)) {
            destroyGuest(vm);
        }
        engine.stop();
        for (LabManager manager : managers) {
            manager.stop();
        }
    }

    static String digest(CryptoSuite suite, Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(suite.digest(in));
        }
    }
}
