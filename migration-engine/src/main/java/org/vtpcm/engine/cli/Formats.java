package org.vtpcm.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Locale;

/** Small renderings shared by the commands: sizes, durations, absent fields. */
final class Formats {
    static final String ABSENT = "-";
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private Formats() {
    }

    /** {@code 268435456} -> {@code 256.0 MiB}; below 1 KiB in whole bytes. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** {@code 3.5s} under a minute, {@code 2m05s} under an hour, else {@code 1h02m}. */
    static String duration(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }

    /** Whole seconds as an ETA: {@code 2s}, {@code 1m05s}. */
    static String seconds(long seconds) {
        return seconds < 60 ? seconds + "s" : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }

    /** The field as text, or {@link #ABSENT} when it is missing or null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isMissingNode() ? ABSENT : value.asText();
    }

    /** {@code 210 ms}, or {@link #ABSENT}. */
    static String millis(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isNumber() ? ABSENT : value.asLong() + " ms";
    }
}
