package org.vtpcm.nova;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A compute API microversion such as 2.30; ordered numerically (2.9 &lt; 2.30). */
public record ComputeApiVersion(int major, int minor) implements Comparable<ComputeApiVersion> {
    /** os-migrateLive with {@code block_migration: "auto"} and a host without {@code disk_over_commit}. */
    public static final ComputeApiVersion REQUIRED = new ComputeApiVersion(2, 30);
    /** Zed's maximum, which the contract fixtures describe; newer Novas are spoken to at this version. */
    public static final ComputeApiVersion WANTED = new ComputeApiVersion(2, 93);
    /** Servers embed their flavor with extra_specs from here on. */
    public static final ComputeApiVersion EMBEDDED_FLAVOR = new ComputeApiVersion(2, 47);

    private static final Pattern FORMAT = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,4})");

    public ComputeApiVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("negative microversion " + major + "." + minor);
        }
    }

    public static ComputeApiVersion parse(String text) {
        Matcher matcher = FORMAT.matcher(text == null ? "" : text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a microversion: '" + text + "'");
        }
        return new ComputeApiVersion(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)));
    }

    public boolean atLeast(ComputeApiVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(ComputeApiVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    /** The value of the {@code OpenStack-API-Version} header for this version. */
    public String header() {
        return "compute " + this;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
