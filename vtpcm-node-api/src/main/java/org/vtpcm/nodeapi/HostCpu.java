package org.vtpcm.nodeapi;

/** The host CPU as libvirt's capabilities describe it; migration targets must match the source's. */
public record HostCpu(String arch, String vendor, String model) {
    /** Parses the host CPU out of libvirt's capabilities XML; unknown parts are empty. */
    public static HostCpu fromCapabilities(String capabilitiesXml) {
        String host = between(capabilitiesXml, "<host>", "</host>");
        String cpu = between(host, "<cpu>", "</cpu>");
        return new HostCpu(between(cpu, "<arch>", "</arch>"), between(cpu, "<vendor>", "</vendor>"), between(cpu, "<model", "</model>")
                .replaceFirst("^[^>]*>", ""));
    }

    private static String between(String text, String open, String close) {
        int start = text.indexOf(open);
        if (start < 0) {
            return "";
        }
        int end = text.indexOf(close, start + open.length());
        return end < 0 ? "" : text.substring(start + open.length(), end).trim();
    }
}
