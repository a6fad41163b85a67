package org.vtpcm.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Pem;
import org.vtpcm.protocol.tls.MutualTls;

/** The lab's cloud CA (in the lab folder, on the controller's side) and the operator's client identity. */
public final class LabCa {
    public static final String OPERATOR = "lab-operator";
    /**
     * A client with the engine's role, for the lab tests that play the engine's part against the
     * managers' migration hooks directly (an operator certificate may not call them).
     */
    public static final String ENGINE_DRIVER = "lab-engine-driver";

    private final Path directory;

    private LabCa(Path directory) {
        this.directory = directory;
    }

    /** The lab's CA, created on first use. */
    public static synchronized LabCa of(LabConfig lab) {
        Path directory = lab.labDirectory().resolve("run").resolve("ca");
        if (!Files.exists(directory.resolve("ca.crt"))) {
            CloudCa.create("vtpcm lab cloud CA", directory);
        }
        CloudCa ca = CloudCa.load(directory);
        Path clients = directory.resolve("clients");
        issueOnce(ca, clients, Role.OPERATOR, OPERATOR);
        issueOnce(ca, clients, Role.ENGINE, ENGINE_DRIVER);
        return new LabCa(directory);
    }

    /** Issues a client identity unless one with that role exists (one from before roles is replaced). */
    private static void issueOnce(CloudCa ca, Path clients, Role role, String name) {
        Path certificate = clients.resolve(name + ".crt");
        if (Files.exists(certificate) && Role.of(Pem.readCertificate(certificate)).equals(Optional.of(role))) {
            return;
        }
        ca.issueTlsIdentity(role, name, List.of(), List.of(), Duration.ofDays(30), false, true).writePem(clients, name);
    }

    public Path directory() {
        return directory;
    }

    /** The operator's mutual-TLS context. */
    public SSLContext operatorTls() {
        return MutualTls.context(directory.resolve("clients"), OPERATOR);
    }

    /** The engine-role client's mutual-TLS context (for tests that drive the managers' hooks themselves). */
    public SSLContext engineDriverTls() {
        return MutualTls.context(directory.resolve("clients"), ENGINE_DRIVER);
    }

    /** A client identity of this CA with any role and name, issued now (for the attack tests). */
    public IssuedIdentity issue(Role role, String name) {
        return CloudCa.load(directory).issueTlsIdentity(role, name, List.of(), List.of(), Duration.ofDays(1), false, true);
    }

    /** A client identity from a different CA, which every manager must refuse. */
    public static SSLContext foreignTls(Path folder) {
        CloudCa other = CloudCa.create("some other CA", folder);
        IssuedIdentity identity = other.issueTlsIdentity(Role.OPERATOR, "intruder", List.of(), List.of(), Duration.ofDays(1), false, true);
        return MutualTls.context(identity);
    }
}
