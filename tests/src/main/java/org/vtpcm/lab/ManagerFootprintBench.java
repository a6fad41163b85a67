package org.vtpcm.lab;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.ManagerClient;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;
import org.vtpcm.service.rest.ApiJson;

/**
 * Memory benchmark of a node: RSS of the manager daemon idle and with N running vTPCMs (each a
 * real VM started through the manager), of the node's interposer service, of each vTPCM's swtpm
 * and of the manager's idle swtpm pool; what one vTPCM adds on the node. On the old architecture
 * (one interposer JVM per vTPCM, no pool) it still runs and says so in its notes. Writes
 * docs/benchmarks/manager-footprint.json and .md. Usage: ManagerFootprintBench [--vtpcms N] [--out DIR].
 */
public final class ManagerFootprintBench {
    /** The lab guest needs about 100 MiB to unpack its initramfs; with less it panics and stops. */
    private static final int GUEST_MIB = 128;
    /** The manager's run.dir as LabManager configures it (inside the node's private /run). */
    private static final Path RUN_DIRECTORY = Path.of("/run/vtpcm");
    private static final long IDLE_SETTLE_MILLIS = 3_000;
    private static final long LOADED_SETTLE_MILLIS = 15_000;
    private static final ObjectMapper JSON = ApiJson.mapper().copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ManagerFootprintBench() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (NumberFormatException e) {
            System.err.println("bench: error: a number was expected: " + e.getMessage());
            System.exit(2);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: error: " + e.getMessage());
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
                case "--vtpcms" -> count = Integer.parseInt(value(args, ++i));
                case "--out" -> out = Path.of(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; usage: ManagerFootprintBench [--vtpcms N]"
                        + " [--out DIR]");
            }
        }
        if (count < 1 || count > 50) {
            throw new IllegalArgumentException("--vtpcms must be 1..50, got " + count);
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
            long managerPid = manager.pid().orElseThrow(() -> new LabNotReadyException("the manager is not running"));
            Thread.sleep(IDLE_SETTLE_MILLIS);
            FootprintSample idle = sample(managerPid, manager.stateDirectory(), List.of());
            System.out.printf("manager idle: RSS %d KiB; node interposer %s; idle swtpm pool %d members%n", idle.managerKib(),
                    idle.nodeInterposerKib().isPresent() ? idle.nodeInterposerKib().getAsLong() + " KiB" : "none", idle.idlePoolKib().size());
            for (int i = 0; i < count; i++) {
                UUID vm = UUID.randomUUID();
                String name = "bench-" + i + "-" + vm.toString().substring(0, 8);
                client.createVm(new GuestDomainXml(name, vm, GUEST_MIB, lab.guestKernel(), lab.guestInitrd(),
                        lab.consoleDirectory().resolve(name + ".log"), Path.of("/x")).toXml(), "deny");
                client.startVm(vm);
                vms.add(vm);
            }
            Thread.sleep(LOADED_SETTLE_MILLIS);
            List<UUID> running = runningVtpcms(client);
            if (running.size() != count) {
                throw new LabNotReadyException("only " + running.size() + " of " + count + " VMs are running; see the manager log "
                        + manager.logFile());
            }
            FootprintSample loaded = sample(managerPid, manager.stateDirectory(), running);
            ManagerFootprint figures = ManagerFootprint.of(idle, loaded);
            ManagerFootprintReport.Interposer interposer = loaded.nodeInterposerKib().isPresent() ? ManagerFootprintReport.Interposer.NODE
                    : loaded.perVmInterposerKib().isEmpty() ? ManagerFootprintReport.Interposer.NONE : ManagerFootprintReport.Interposer.PER_VM;
            String flags = String.join(" ", FootprintProcesses.jvmFlags(ProcessTable.read(managerPid)
                    .orElseThrow(() -> new LabNotReadyException("the manager (pid " + managerPid + ") is gone")).arguments()));
            ManagerFootprintReport.Run info = new ManagerFootprintReport.Run(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                    System.getenv().getOrDefault("VTPCM_COMMIT", "unknown"), Runtime.getRuntime().availableProcessors(),
                    "bin/bench manager-footprint --vtpcms " + count, GUEST_MIB, flags, System.getProperty("java.version"), interposer,
                    notes(interposer, idle, loaded, manager.stateDirectory()));
            ManagerFootprintReport report = new ManagerFootprintReport(info, figures);
            Files.createDirectories(out);
            report.writeJson(out.resolve("manager-footprint.json"));
            report.writeMarkdown(out.resolve("manager-footprint.md"));
            System.out.print(report.markdown());
            System.out.println("written: " + out.resolve("manager-footprint.json") + " and manager-footprint.md");
        } finally {
            ManagerClient client = manager.client();
            for (UUID vm : vms) {
                try {
                    if (client.vtpcm(vm).path("vtpcm").path("state").asText().equals(AssociationView.RUNNING)) {
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

    private static String value(String[] args, int index) {
        if (index >= args.length) {
            throw new IllegalArgumentException(args[index - 1] + " needs a value");
        }
        return args[index];
    }

    private static List<UUID> runningVtpcms(ManagerClient client) throws Exception {
        List<UUID> running = new ArrayList<>();
        for (JsonNode row : client.vtpcms()) {
            AssociationView view = JSON.treeToValue(row, AssociationView.class);
            if (view.running()) {
                running.add(view.vtpcmId());
            }
        }
        return running;
    }

    /** The RSS of everything vtpcm runs on the manager's node now, with these vTPCMs running. */
    private static FootprintSample sample(long managerPid, Path stateDirectory, List<UUID> vtpcms) {
        ProcessEntry manager = ProcessTable.read(managerPid)
                .orElseThrow(() -> new LabNotReadyException("the manager (pid " + managerPid + ") is gone"));
        List<ProcessEntry> processes = ProcessTable.all();
        OptionalLong interposerPid = pidFile(managerPid, RUN_DIRECTORY.resolve("interposer.pid"));
        OptionalLong interposer = FootprintProcesses.nodeInterposer(processes, interposerPid, manager.mountNamespace())
                .map(p -> OptionalLong.of(rss(p.pid(), "the node interposer"))).orElse(OptionalLong.empty());
        List<Long> swtpmPids = new ArrayList<>();
        List<Long> swtpm = new ArrayList<>();
        List<Long> perVmInterposers = new ArrayList<>();
        for (UUID vtpcm : vtpcms) {
            Path pidFile = RUN_DIRECTORY.resolve(vtpcm + ".pid");
            long pid = pidFile(managerPid, pidFile).orElseThrow(() -> new LabNotReadyException("vTPCM " + vtpcm + " runs but its swtpm"
                    + " has no pid file " + pidFile + " in the node"));
            swtpmPids.add(pid);
            swtpm.add(rss(pid, "the swtpm of vTPCM " + vtpcm));
            // the old architecture's own interposer JVM of this vTPCM (its command line names the vTPCM)
            pidFile(managerPid, RUN_DIRECTORY.resolve(vtpcm + ".interposer.pid")).stream()
                    .filter(p -> ProcessTable.read(p).map(e -> e.commandLine().contains(vtpcm.toString())).orElse(false))
                    .map(ProcessMemory::rssKib).filter(kib -> kib >= 0).forEach(perVmInterposers::add);
        }
        List<Long> pool = FootprintProcesses.idlePoolMembers(processes, stateDirectory, Set.copyOf(swtpmPids)).stream()
                .map(p -> ProcessMemory.rssKib(p.pid())).filter(kib -> kib >= 0).toList();
        return new FootprintSample(rss(managerPid, "the manager"), interposer, swtpm, perVmInterposers, pool);
    }

    private static OptionalLong pidFile(long managerPid, Path file) {
        return ProcessTable.readAs(managerPid, file).map(String::strip).filter(text -> text.matches("\\d+"))
                .map(text -> OptionalLong.of(Long.parseLong(text))).orElse(OptionalLong.empty());
    }

    private static long rss(long pid, String what) {
        long kib = ProcessMemory.rssKib(pid);
        if (kib < 0) {
            throw new LabNotReadyException(what + " (pid " + pid + ") is gone");
        }
        return kib;
    }

    /** What the reader must know about how this run's node differs from the current architecture. */
    static List<String> notes(ManagerFootprintReport.Interposer interposer, FootprintSample idle, FootprintSample loaded, Path stateDirectory) {
        List<String> notes = new ArrayList<>();
        String where = "no node interposer process (command line with " + FootprintProcesses.NODE_INTERPOSER_MAIN + ", pid file "
                + RUN_DIRECTORY.resolve("interposer.pid") + ") was found";
        switch (interposer) {
            case PER_VM -> notes.add(where + "; the manager runs one interposer JVM per vTPCM (the old architecture), so per_vtpcm_rss_mb"
                    + " counts each vTPCM's own interposer (per_vm_interposer_rss_mb_median) instead of a share of the node's.");
            case NONE -> notes.add(where + ", nor a per-vTPCM interposer; per_vtpcm_rss_mb counts no interposer.");
            case NODE -> {
                if (idle.nodeInterposerKib().isEmpty()) {
                    notes.add("the node interposer was not running with the manager idle (interposer_idle_rss_mb is null); it started"
                            + " with the VMs and counts whole in its growth per vTPCM.");
                }
            }
        }
        if (idle.idlePoolKib().isEmpty() && loaded.idlePoolKib().isEmpty()) {
            notes.add("no idle pool swtpm (command line with --tpmstate dir=" + stateDirectory.toAbsolutePath().normalize() + "/vtpcm/engines/pool-...) was"
                    + " found: the manager keeps no pool (the old architecture) or it was empty; pool_swtpm_rss_mb is 0.");
        }
        return notes;
    }

    private static String digest(CryptoSuite suite, Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(suite.digest(in));
        }
    }
}
