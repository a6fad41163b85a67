package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What {@code vtpcm-lab up} wrote to {@code lab.properties}: nodes, guest artifacts, folders.
 */
public record LabConfig(Path labDirectory, String controllerIp, List<LabNode> nodes, Path guestKernel,
        Path guestInitrd, Path consoleDirectory, Path swtpmRunDirectory) {
    public static final String LAB_DIR_PROPERTY = "vtpcm.lab.dir";
    public static final String DEFAULT_LAB_DIR = "/var/lib/vtpcm-lab";

    public LabConfig {
        requireNonNull(labDirectory, "labDirectory is null");
        requireNonNull(controllerIp, "controllerIp is null");
        nodes = List.copyOf(nodes);
        requireNonNull(guestKernel, "guestKernel is null");
        requireNonNull(guestInitrd, "guestInitrd is null");
        requireNonNull(consoleDirectory, "consoleDirectory is null");
        requireNonNull(swtpmRunDirectory, "swtpmRunDirectory is null");
    }

    /** The lab folder named by -Dvtpcm.lab.dir, $VTPCM_LAB_DIR, or the default. */
    public static Path defaultLabDirectory() {
        String fromProperty = System.getProperty(LAB_DIR_PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return Path.of(fromProperty);
        }
        String fromEnvironment = System.getenv("VTPCM_LAB_DIR");
        return Path.of(fromEnvironment != null && !fromEnvironment.isBlank() ? fromEnvironment : DEFAULT_LAB_DIR);
    }

    /** Reads the running lab's description; fails with what to do when the lab is not up. */
    public static LabConfig load(Path labDirectory) {
        Path file = labDirectory.resolve("lab.properties");
        if (!Files.isRegularFile(file)) {
            throw new LabNotReadyException("the lab is not up (no " + file + "); start it with: devstack/lab/vtpcm-lab up");
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new LabNotReadyException("cannot read " + file + ": " + e.getMessage());
        }
        return fromProperties(properties, file);
    }

    static LabConfig fromProperties(Properties properties, Path source) {
        int count = Integer.parseInt(required(properties, "nodes", source));
        List<LabNode> nodes = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            String prefix = "node." + n + ".";
            nodes.add(new LabNode(n, required(properties, prefix + "name", source), required(properties, prefix + "ip", source),
                    required(properties, prefix + "uri", source), Long.parseLong(required(properties, prefix + "pid", source)),
                    Path.of(required(properties, prefix + "dir", source))));
        }
        return new LabConfig(Path.of(required(properties, "lab.dir", source)), required(properties, "controller.ip", source),
                nodes, Path.of(required(properties, "guest.kernel", source)), Path.of(required(properties, "guest.initrd", source)),
                Path.of(required(properties, "console.dir", source)), Path.of(required(properties, "swtpm.dir", source)));
    }

    /** Node by 1-based number. */
    public LabNode node(int number) {
        if (number < 1 || number > nodes.size()) {
            throw new LabNotReadyException("the lab has " + nodes.size() + " node(s); node " + number + " does not exist");
        }
        return nodes.get(number - 1);
    }

    private static String required(Properties properties, String key, Path source) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new LabNotReadyException(source + " lacks '" + key + "'; restart the lab: devstack/lab/vtpcm-lab down && devstack/lab/vtpcm-lab up");
        }
        return value.trim();
    }
}
