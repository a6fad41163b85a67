package org.vtpcm.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** The human form of a migration view: what {@code migrate --wait} prints at the end and {@code migrations show} prints. */
final class MigrationSummary {
    private static final String ROW = "%-16s%s%n";

    private MigrationSummary() {
    }

    static String render(JsonNode view) {
        StringBuilder text = new StringBuilder();
        row(text, "migration", Formats.text(view, "id"));
        row(text, "vm", Formats.text(view, "vmName") + " (" + Formats.text(view, "vmUuid") + ")");
        row(text, "route", Formats.text(view, "source") + " -> " + Formats.text(view, "destination"));
        boolean running = !view.hasNonNull("outcome");
        row(text, "outcome", running ? "running (phase " + Formats.text(view, "phase") + ")" : view.get("outcome").asText());
        ProgressLine.Progress progress = ProgressLine.Progress.of(view);
        if (running && progress != null) {
            row(text, "progress", ProgressLine.describe(progress));
        }
        if (view.hasNonNull("reason")) {
            row(text, "reason", view.get("reason").asText());
        }
        text.append("phases\n");
        for (JsonNode phase : view.path("phases")) {
            text.append(String.format(Locale.ROOT, "  %-18s%8s%n", phase.path("phase").asText("?"), Formats.millis(phase, "millis")));
        }
        row(text, "total", Formats.millis(view, "totalMs"));
        row(text, "downtime", Formats.millis(view, "downtimeMs"));
        row(text, "digest left", Formats.text(view, "digestLeft"));
        row(text, "digest arrived", Formats.text(view, "digestArrived"));
        row(text, "digests equal", digestsEqual(view));
        row(text, "epoch", Formats.text(view, "epoch"));
        for (JsonNode rejected : view.path("rejectedHosts")) {
            row(text, "rejected host", Formats.text(rejected, "host") + ": " + Formats.text(rejected, "reason"));
        }
        return text.toString();
    }

    /** {@code yes}, {@code NO} (both known and different) or {@code -} (one is not known yet). */
    static String digestsEqual(JsonNode view) {
        if (!view.hasNonNull("digestLeft") || !view.hasNonNull("digestArrived")) {
            return Formats.ABSENT;
        }
        return view.get("digestLeft").asText().equalsIgnoreCase(view.get("digestArrived").asText()) ? "yes" : "NO";
    }

    private static void row(StringBuilder text, String label, String value) {
        text.append(String.format(Locale.ROOT, ROW, label, value));
    }
}
