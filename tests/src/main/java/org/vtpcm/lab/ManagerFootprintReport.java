package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** docs/benchmarks/manager-footprint.json and .md from the figures and what the run was. */
final class ManagerFootprintReport {
    static final Map<String, String> DEFINITIONS = definitions();

    /** Which interposer the node ran. */
    enum Interposer {
        NODE("one interposer service for the node (" + FootprintProcesses.NODE_INTERPOSER_MAIN + ")"),
        PER_VM("one interposer JVM per vTPCM (the old architecture)"),
        NONE("none found");

        private final String description;

        Interposer(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    /**
     * What the run was.
     *
     * @param date ISO-8601 date
     * @param commit the source commit
     * @param cores the machine's core count
     * @param command the command line that produced it
     * @param guestMemoryMib each VM's memory
     * @param managerJvmFlags the manager's JVM options, from its /proc/PID/cmdline
     * @param javaVersion the Java running the bench (and the manager)
     * @param interposer which interposer the node ran
     * @param notes what the reader must know about this run (missing processes, ...)
     */
    record Run(String date, String commit, int cores, String command, int guestMemoryMib, String managerJvmFlags, String javaVersion,
            Interposer interposer, List<String> notes) {
        Run {
            requireNonNull(command, "command is null");
            requireNonNull(managerJvmFlags, "managerJvmFlags is null");
            requireNonNull(interposer, "interposer is null");
            notes = List.copyOf(notes);
        }
    }

    private final Run run;
    private final ManagerFootprint figures;

    ManagerFootprintReport(Run run, ManagerFootprint figures) {
        this.run = requireNonNull(run, "run is null");
        this.figures = requireNonNull(figures, "figures is null");
    }

    private static Map<String, String> definitions() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("rss", "VmRSS from /proc/PID/status, in MiB (KiB / 1024); idle = 3 s after the manager answered and took the reference"
                + " values, with N = 15 s after the last of N VMs was started through its API");
        d.put("per_vtpcm_rss_mb", "what one running vTPCM adds on the node: its swtpm's RSS (mean over the N) + the manager's growth / N"
                + " + the node interposer's growth / N (an interposer that only started with the VMs counts whole); in the old"
                + " architecture the vTPCM's own interposer JVM (mean) instead of the node interposer's share");
        d.put("processes", "the manager is the daemon the bench starts; the node interposer is the process named by <run dir>/interposer.pid"
                + " whose command line runs " + FootprintProcesses.NODE_INTERPOSER_MAIN + " (else the only such process in the manager's"
                + " mount namespace); a vTPCM's swtpm is named by <run dir>/<vtpcmId>.pid; idle pool members are the swtpm processes"
                + " whose command line has --tpmstate dir=<state dir>/vtpcm/engines/pool-* and that no vTPCM runs on");
        d.put("pool_swtpm_rss_mb", "the idle pool members' total: a fixed cost of the node, kept apart from per_vtpcm_rss_mb");
        return d;
    }

    void writeJson(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("benchmark", "manager-footprint");
        root.put("date", run.date());
        root.put("commit", run.commit());
        root.put("cores", run.cores());
        root.put("command", run.command());
        root.setAll((ObjectNode) json.valueToTree(figures));
        root.put("guest_memory_mib", run.guestMemoryMib());
        root.put("manager_jvm_flags", run.managerJvmFlags());
        root.put("java_version", run.javaVersion());
        root.put("interposer", run.interposer().name().toLowerCase(Locale.ROOT));
        ObjectNode definitions = root.putObject("definitions");
        DEFINITIONS.forEach(definitions::put);
        var notes = root.putArray("notes");
        run.notes().forEach(notes::add);
        json.writeValue(file.toFile(), root);
    }

    void writeMarkdown(Path file) throws IOException {
        Files.writeString(file, markdown());
    }

    String markdown() {
        ManagerFootprint f = figures;
        int n = f.vtpcms();
        List<String> out = new ArrayList<>();
        out.add("# vTPCM manager memory footprint (`bin/bench manager-footprint`)");
        out.add("");
        out.add(String.format(Locale.ROOT, "%s, commit `%s`, %d cores, %d VMs of %d MiB started through the manager. Command: `%s`."
                + " Manager JVM flags (from its /proc/PID/cmdline): `%s`, Java %s. Interposer: %s.", run.date(), run.commit(), run.cores(),
                n, run.guestMemoryMib(), run.command(), run.managerJvmFlags(), run.javaVersion(), run.interposer().description()));
        out.add("");
        out.add("| figure (`manager-footprint.json` field) | MiB |");
        out.add("|---|---:|");
        out.add(row("manager RSS, idle (`manager_idle_rss_mb`)", f.managerIdleRssMb()));
        out.add(row("manager RSS, " + n + " running vTPCMs (`manager_rss_mb_with_vtpcms`)", f.managerRssMbWithVtpcms()));
        out.add(row("manager growth per vTPCM (`manager_growth_per_vtpcm_mb`)", f.managerGrowthPerVtpcmMb()));
        out.add(row("node interposer RSS, idle (`interposer_idle_rss_mb`)", f.interposerIdleRssMb()));
        out.add(row("node interposer RSS, " + n + " running vTPCMs (`interposer_rss_mb_with_vtpcms`)", f.interposerRssMbWithVtpcms()));
        out.add(row("node interposer growth per vTPCM (`interposer_growth_per_vtpcm_mb`)", f.interposerGrowthPerVtpcmMb()));
        if (f.perVmInterposerRssMbMedian() != null) {
            out.add(row("per-vTPCM interposer JVM, median (old architecture; `per_vm_interposer_rss_mb_median`)",
                    f.perVmInterposerRssMbMedian()));
        }
        out.add(String.format(Locale.ROOT, "| swtpm of a running vTPCM, median (min..max) (`swtpm_rss_mb_median`) | %s (%s..%s) |",
                mb(f.swtpmRssMbMedian()), mb(f.swtpmRssMbMin()), mb(f.swtpmRssMbMax())));
        out.add(String.format(Locale.ROOT, "| idle swtpm pool, total with %d vTPCMs (`pool_swtpm_rss_mb`; %d members) | %s |", n,
                f.poolSwtpmCount(), mb(f.poolSwtpmRssMb())));
        out.add(String.format(Locale.ROOT, "| idle swtpm pool, total with the manager idle (`pool_swtpm_rss_mb_idle`; %d members) | %s |",
                f.poolSwtpmCountIdle(), mb(f.poolSwtpmRssMbIdle())));
        out.add(row("**per-vTPCM cost** (`per_vtpcm_rss_mb`)", f.perVtpcmRssMb()));
        out.add("");
        out.add("## Definitions");
        out.add("");
        DEFINITIONS.forEach((key, text) -> out.add("- **" + key + "**: " + text + "."));
        if (!run.notes().isEmpty()) {
            out.add("");
            out.add("## Notes");
            out.add("");
            run.notes().forEach(note -> out.add("- " + note));
        }
        out.add("");
        out.add("Machine-readable: `manager-footprint.json` (the same figures).");
        out.add("");
        return String.join("\n", out);
    }

    private static String row(String figure, Double value) {
        return "| " + figure + " | " + (value == null ? "none" : mb(value)) + " |";
    }

    private static String mb(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
