package org.vtpcm.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.tls.MutualTls;

/** The lab's cloud CA (in the lab folder, on the controller's side) and the operator's client identity. */
public final class LabCa {
    public static final String OPERATOR = "lab-operator";

    private final Path directory;

    private LabCa(Path directory) {
        this.directory = directory;
    }

    /** The lab's CA, created on first use. */
    public static synchronized LabCa of(LabConfig lab) {
        Path directory = lab.labDirectory().resolve("run").resolve("ca");
        if (!Files.exists(directory.resolve("ca.crt"))) {
            CloudCa ca = CloudCa.create("vtpcm lab cloud CA", directory);
            ca.issueTlsIdentity(Role.OPERATOR, OPERATOR, List.of(), List.of(), Duration.ofDays(30), false, true).writePem(directory.resolve("clients"), OPERATOR);
        }
        return new LabCa(directory);
    }

    public Path directory() {
        return directory;
    }

    /** The operator's mutual-TLS context. */
    public SSLContext operatorTls() {
        return MutualTls.context(directory.resolve("clients"), OPERATOR);
    }

    /** A client identity from a different CA, which every manager must refuse. */
    public static SSLContext foreignTls(Path folder) {
        CloudCa other = CloudCa.create("some other CA", folder);
        IssuedIdentity identity = other.issueTlsIdentity(Role.OPERATOR, "intruder", List.of(), List.of(), Duration.ofDays(1), false, true);
        return MutualTls.context(identity);
    }
}
