package org.vtpcm.lab;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** How the benchmarks write figures: distributions and rounded numbers in the JSON, milliseconds and ratios in the tables. */
final class BenchJson {
    private BenchJson() {
    }

    /** {@code runs}, {@code median}, {@code p95}, {@code min}, {@code max} (null where there is no value). */
    static void put(ObjectNode node, Distribution d) {
        node.put("runs", d.runs());
        put(node, "median", d.median());
        put(node, "p95", d.p95());
        put(node, "min", d.min());
        put(node, "max", d.max());
    }

    /** The value rounded to three decimals, or null for NaN. */
    static void put(ObjectNode node, String field, double value) {
        if (Double.isNaN(value)) {
            node.putNull(field);
        } else {
            node.put(field, Math.round(value * 1000) / 1000.0);
        }
    }

    /** Whole milliseconds for a table, "n/a" for NaN. */
    static String ms(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.0f", value);
    }

    /** A ratio with two decimals (or a difference in whole units) for a table, "n/a" for NaN. */
    static String value(double value, boolean ratio) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return ratio ? String.format(Locale.ROOT, "%.2f", value) : String.format(Locale.ROOT, "%.0f", value);
    }
}
