package org.vtpcm.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.vtpcm.nodeapi.ManagerClient;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * Memory benchmark of the vTPCM manager: RSS of the manager daemon idle and with N running vTPCMs
 * (each a real VM started through the manager), and the RSS of each vTPCM's swtpm engine. Writes
 * docs/benchmarks/manager-footprint.json and .md. Usage: ManagerFootprintBench [--vtpcms N] [--out DIR].
 */
public final class ManagerFootprintBench {
    /** The lab guest needs about 100 MiB to unpack its initramfs; with less it panics and stops. */
    private static final int GUEST_MIB = 128;

    private ManagerFootprintBench() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (NumberFormatException e) {
            System.err.println("bench: error: a number was expected: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("bench: failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        int count = 20;
        Path out = Path.of("docs/benchmarks");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--vtpcms" -> count = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: ManagerFootprintBench [--vtpcms N] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        if (count < 1 || count > 50) {
            System.err.println("--vtpcms must be 1..50");
            System.exit(2);
        }
        LabConfig lab = LabConfig.load(LabConfig.defaultLabDirectory());
        LabCa ca = LabCa.of(lab);
        LabManager manager = new LabManager(lab, lab.node(1), ca);
        manager.configure("sm");
        manager.enroll();
        manager.start();
        List<UUID> vms = new ArrayList<>();
        try {
            ManagerClient client = manager.client();
            CryptoSuite sm = CryptoSuites.of(SuiteName.SM);
            client.registerReferenceValue("kernel", digest(sm, lab.guestKernel()), "bench kernel");
            client.registerReferenceValue("initrd", digest(sm, lab.guestInitrd()), "bench initrd");
            long managerPid = managerJavaPid(manager);
            Thread.sleep(3000);
            long idle = ProcessMemory.rssKib(managerPid);
            System.out.printf("manager idle: RSS %d KiB (JVM -Xmx256m, SerialGC)%n", idle);
            for (int i = 0; i < count; i++) {
                UUID vm = UUID.randomUUID();
                String name = "bench-" + i + "-" + vm.toString().substring(0, 8);
                client.createVm(new GuestDomainXml(name, vm, GUEST_MIB, lab.guestKernel(), lab.guestInitrd(),
                        lab.consoleDirectory().resolve(name + ".log"), Path.of("/x")).toXml(), "deny");
                client.startVm(vm);
                vms.add(vm);
            }
            Thread.sleep(15000);
            long loaded = ProcessMemory.rssKib(managerPid);
            List<Long> engines = new ArrayList<>();
            List<Long> interposers = new ArrayList<>();
            int running = 0;
            for (JsonNode row : client.vtpcms()) {
                if (!row.path("state").asText().equals("RUNNING")) {
                    continue;
                }
                running++;
                String pid = new String(ProcessRunnerAccess.readInNode(lab.node(1), "/run/vtpcm/" + row.path("vtpcmId").asText() + ".pid")).trim();
                engines.add(ProcessMemory.rssKib(Long.parseLong(pid)));
                String interposerPid = new String(ProcessRunnerAccess.readInNode(lab.node(1), "/run/vtpcm/"
                        + row.path("vtpcmId").asText() + ".interposer.pid")).trim();
                interposers.add(ProcessMemory.rssKib(Long.parseLong(interposerPid)));
            }
            if (running != count) {
                throw new LabNotReadyException("only " + running + " of " + count + " VMs are running; see the manager log "
                        + manager.logFile());
            }
            long[] sorted = engines.stream().mapToLong(Long::longValue).sorted().toArray();
            long median = sorted[sorted.length / 2];
            long total = Arrays.stream(sorted).sum();
            long[] interposerSorted = interposers.stream().mapToLong(Long::longValue).sorted().toArray();
            long interposerMedian = interposerSorted[interposerSorted.length / 2];
            long interposerTotal = Arrays.stream(interposerSorted).sum();
            double perVtpcm = (loaded - idle) / (double) count + total / (double) count + interposerTotal / (double) count;
            System.out.printf("manager with %d running vTPCMs: RSS %d KiB (+%d KiB, %.0f KiB per vTPCM)%n", count, loaded, loaded - idle,
                    (loaded - idle) / (double) count);
            System.out.printf("swtpm engines: median RSS %d KiB, min %d, max %d, total %d KiB%n", median, sorted[0],
                    sorted[sorted.length - 1], total);
            System.out.printf("control-channel interposers (one JVM each): median RSS %d KiB, total %d KiB%n", interposerMedian,
                    interposerTotal);
            System.out.printf("per-vTPCM cost (manager share + engine + interposer): %.0f KiB%n", perVtpcm);
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode result = json.createObjectNode();
            result.put("date", Instant.now().toString());
            result.put("commit", System.getenv().getOrDefault("VTPCM_COMMIT", "unknown"));
            result.put("cores", Runtime.getRuntime().availableProcessors());
            result.put("command", "bin/bench manager-footprint --vtpcms " + count);
            result.put("vtpcms", count);
            result.put("guest_memory_mib", GUEST_MIB);
            result.put("manager_jvm", "-Xmx256m -XX:+UseSerialGC, Java " + System.getProperty("java.version"));
            result.put("manager_rss_idle_kib", idle);
            result.put("manager_rss_loaded_kib", loaded);
            result.put("manager_rss_per_vtpcm_kib", (loaded - idle) / (double) count);
            result.put("swtpm_rss_median_kib", median);
            result.put("swtpm_rss_min_kib", sorted[0]);
            result.put("swtpm_rss_max_kib", sorted[sorted.length - 1]);
            result.put("interposer_rss_median_kib", interposerMedian);
            result.put("per_vtpcm_total_kib", perVtpcm);
            result.put("definition", "RSS = VmRSS from /proc/PID/status; manager sampled 3 s after start (idle) and 15 s after the "
                    + "last of N VMs started through its API; per-vTPCM cost = manager RSS growth / N + mean swtpm RSS + mean interposer RSS");
            Files.createDirectories(out);
            json.writeValue(out.resolve("manager-footprint.json").toFile(), result);
            Files.writeString(out.resolve("manager-footprint.md"), String.join("\n",
                    "# vTPCM manager memory footprint",
                    "",
                    "Produced by `" + result.get("command").asText() + "` on " + result.get("date").asText() + ", "
                            + result.get("cores").asInt() + " cores, commit " + result.get("commit").asText() + ".",
                    "",
                    "| figure | KiB |",
                    "|---|---|",
                    "| manager RSS, idle | " + idle + " |",
                    "| manager RSS, " + count + " running vTPCMs | " + loaded + " |",
                    "| manager growth per vTPCM | " + String.format("%.0f", (loaded - idle) / (double) count) + " |",
                    "| swtpm engine RSS, median (min..max) | " + median + " (" + sorted[0] + ".." + sorted[sorted.length - 1] + ") |",
                    "| control-channel interposer RSS, median (one small JVM per vTPCM) | " + interposerMedian + " |",
                    "| per-vTPCM cost (manager share + engine + interposer) | " + String.format("%.0f", perVtpcm) + " |",
                    "",
                    "Definitions: " + result.get("definition").asText() + ". Manager JVM: " + result.get("manager_jvm").asText() + ".",
                    ""));
            System.out.println("written: " + out.resolve("manager-footprint.json"));
        } finally {
            ManagerClient client = manager.client();
            for (UUID vm : vms) {
                try {
                    if (client.vtpcm(vm).path("vtpcm").path("state").asText().equals("RUNNING")) {
                        client.stopVm(vm);
                    }
                    client.destroyVm(vm);
                } catch (RuntimeException e) {
                    System.err.println("cleanup of " + vm + ": " + e.getMessage());
                }
            }
            manager.stop();
        }
    }

    private static long managerJavaPid(LabManager manager) {
        return manager.pid().orElseThrow(() -> new LabNotReadyException("the manager is not running"));
    }

    private static String digest(CryptoSuite suite, Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(suite.digest(in));
        }
    }

    /** Reads a file inside a node's mount namespace (its private /run). */
    private static final class ProcessRunnerAccess {
        static byte[] readInNode(LabNode node, String path) {
            return ProcessRunner.run(node.inNamespaces("cat", path), java.time.Duration.ofSeconds(5)).getBytes();
        }
    }
}
