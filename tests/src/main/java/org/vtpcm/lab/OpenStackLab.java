package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.vtpcm.nova.NovaCloudClient;
import org.vtpcm.nova.NovaSettings;
import org.vtpcm.nova.NovaTls;

/**
 * The lab's OpenStack profile (`vtpcm-lab openstack-up`) as a tenant and an operator use it: the
 * `openstack` and `nova` command-line clients with the profile's admin credentials, the compute API
 * through nova-bridge's client, where Nova writes a server's console on each node, and the vtpcm
 * cloud in Nova mode.
 */
public final class OpenStackLab {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LabConfig lab;
    private final Map<String, String> credentials;

    private OpenStackLab(LabConfig lab, Map<String, String> credentials) {
        this.lab = requireNonNull(lab, "lab is null");
        this.credentials = Map.copyOf(credentials);
    }

    /** The profile's openrc, written by `vtpcm-lab openstack-up`. */
    public static Path openrc(LabConfig lab) {
        return lab.labDirectory().resolve("run").resolve("openstack").resolve("openrc");
    }

    /**
     * The running profile, or empty when `vtpcm-lab openstack-up` has not run or `openstack-down` stopped it (which keeps
     * the openrc, with the logs, until the base lab goes down, but removes the services' pid folder).
     */
    public static Optional<OpenStackLab> ifUp(LabConfig lab) {
        Path openrc = openrc(lab);
        if (!Files.exists(openrc) || !Files.isDirectory(openrc.resolveSibling("pids"))) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(openrc, StandardCharsets.UTF_8)) {
                String trimmed = line.strip();
                if (trimmed.startsWith("export ") && trimmed.contains("=")) {
                    String assignment = trimmed.substring("export ".length());
                    int equals = assignment.indexOf('=');
                    values.put(assignment.substring(0, equals), unquote(assignment.substring(equals + 1)));
                }
            }
        } catch (IOException e) {
            throw new LabNotReadyException("cannot read " + openrc + ": " + e.getMessage());
        }
        return Optional.of(new OpenStackLab(lab, values));
    }

    /** What a command printed and how it ended. */
    public record Outcome(int exitCode, String out, String err) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs a client command (e.g. {@code openstack ...}, {@code nova ...}) with the profile's credentials; bounded. */
    public Outcome attempt(Duration timeout, String... command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(credentials);
        try {
            Path out = Files.createTempFile("openstack-out", ".txt");
            Path err = Files.createTempFile("openstack-err", ".txt");
            try {
                Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new LabNotReadyException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
                }
                return new Outcome(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new LabNotReadyException("cannot run " + command[0] + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabNotReadyException("interrupted while running " + command[0]);
        }
    }

    /** Runs a client command that must succeed; its standard output. */
    public String run(Duration timeout, String... command) {
        Outcome outcome = attempt(timeout, command);
        if (!outcome.ok()) {
            throw new LabNotReadyException(String.join(" ", command) + " failed (" + outcome.exitCode() + "): " + outcome.err().strip());
        }
        return outcome.out();
    }

    /** {@code openstack <args> -f json}, parsed. */
    public JsonNode json(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("openstack"));
        command.addAll(List.of(args));
        command.addAll(List.of("-f", "json"));
        String out = run(timeout, command.toArray(String[]::new));
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new LabNotReadyException("openstack " + args[0] + " printed no JSON: " + out);
        }
    }

    /**
     * Boots the lab image {@code vtpcm-guest} with the flavor on the node ({@code --nic none}, compute API 2.37) and waits
     * until Nova shows it ACTIVE; its id.
     */
    public String createServer(Duration timeout, String flavor, String name, LabNode node) {
        return json(timeout, "--os-compute-api-version", "2.37", "server", "create", "--flavor", flavor, "--image", "vtpcm-guest",
                "--nic", "none", "--availability-zone", "nova:" + node.name(), "--wait", name).path("id").asText();
    }

    /**
     * A tenant's {@code openstack server migrate --live-migration --host HOST SERVER} (compute API 2.30, the least that
     * takes a host), without {@code --wait}: it returns once Nova accepted the request.
     */
    public Outcome liveMigrate(Duration timeout, String serverId, String host) {
        return attempt(timeout, "openstack", "--os-compute-api-version", "2.30", "server", "migrate", "--live-migration", "--host", host,
                serverId);
    }

    /** The server as the admin sees it (host, status, task state). */
    public JsonNode server(String id) {
        return json(Duration.ofSeconds(60), "server", "show", id);
    }

    /** Where Nova on the node writes the server's serial console (its instances path, bound per node). */
    public Path consoleLog(LabNode node, String serverId) {
        return node.directory().resolve("nova").resolve("instances").resolve(serverId).resolve("console.log");
    }

    /** The root disk the profile uploaded as the image vtpcm-guest (with root disk 0, each instance's disk is a copy). */
    public Path rootDiskImage() {
        return lab.labDirectory().resolve("run").resolve("openstack").resolve("vtpcm-guest-root.raw");
    }

    /**
     * Makes the started vtpcm cloud ready for Nova's compute drivers: their client identities where
     * the nova-computes read them, and the image's disk digest as every manager's reference value
     * (the instance's disk is a copy of the image, measured at launch).
     */
    public void prepare(LabCloud cloud) throws IOException {
        for (LabNode node : lab.nodes()) {
            cloud.computeServiceTls(node.number());
        }
        org.vtpcm.protocol.crypto.CryptoSuite sm = org.vtpcm.protocol.crypto.CryptoSuites.of(org.vtpcm.protocol.crypto.SuiteName.SM);
        String disk;
        try (java.io.InputStream in = Files.newInputStream(rootDiskImage())) {
            disk = java.util.HexFormat.of().formatHex(sm.digest(in));
        }
        for (LabNode node : lab.nodes()) {
            cloud.manager(node.number()).client().registerReferenceValue("disk", disk, "the Nova lab image vtpcm-guest");
        }
    }

    /**
     * The vtpcm cloud in Nova mode, as the Nova tests use it: managers and the engine started with
     * {@link #engineNovaSettings()}, then {@link #prepare}d for the compute drivers.
     */
    public LabCloud startCloud() throws Exception {
        LabCloud cloud = LabCloud.start(lab, engineNovaSettings());
        try {
            prepare(cloud);
            return cloud;
        } catch (Exception | Error e) {
            cloud.close();
            throw e;
        }
    }

    /** Engine configuration lines for Nova mode with the profile's admin credentials. */
    public String[] engineNovaSettings() {
        return novaSettings().entrySet().stream().map(setting -> setting.getKey() + " = " + setting.getValue()).toArray(String[]::new);
    }

    /** The compute API with the profile's admin credentials, through nova-bridge's client (the engine's own); close it after use. */
    public NovaCloudClient novaCloud() {
        Properties properties = new Properties();
        properties.putAll(novaSettings());
        NovaSettings settings = NovaSettings.from(properties);
        return new NovaCloudClient(settings, NovaTls.context(settings.caFile()));
    }

    /** The {@code nova.*} settings (nova-bridge's keys) of the profile's admin credentials. */
    private Map<String, String> novaSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("nova.auth-url", credential("OS_AUTH_URL"));
        settings.put("nova.username", credential("OS_USERNAME"));
        settings.put("nova.password", credential("OS_PASSWORD"));
        settings.put("nova.project", credential("OS_PROJECT_NAME"));
        settings.put("nova.user-domain", credentials.getOrDefault("OS_USER_DOMAIN_NAME", "Default"));
        settings.put("nova.project-domain", credentials.getOrDefault("OS_PROJECT_DOMAIN_NAME", "Default"));
        settings.put("nova.region", credentials.getOrDefault("OS_REGION_NAME", "RegionOne"));
        return settings;
    }

    private String credential(String name) {
        String value = credentials.get(name);
        if (value == null || value.isBlank()) {
            throw new LabNotReadyException(name + " is missing from the profile's openrc; restart it: devstack/lab/vtpcm-lab openstack-down"
                    + " && devstack/lab/vtpcm-lab openstack-up");
        }
        return value;
    }

    private static String unquote(String value) {
        String trimmed = value.strip();
        if (trimmed.length() >= 2 && (trimmed.startsWith("'") && trimmed.endsWith("'") || trimmed.startsWith("\"") && trimmed.endsWith("\""))) {
            return trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed;
    }
}
