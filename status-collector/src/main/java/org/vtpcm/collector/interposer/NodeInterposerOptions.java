package org.vtpcm.collector.interposer;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * {@link NodeInterposerMain}'s command line.
 *
 * @param socket the admin socket
 * @param runDir the only folder channels may listen in
 * @param suite whose hash digests the state blobs (SM3 for sm, SHA-256 for nist)
 * @param pidFile where to write the service's pid, if anywhere
 */
record NodeInterposerOptions(Path socket, Path runDir, SuiteName suite, Optional<Path> pidFile) {
    static final String USAGE = "usage: NodeInterposerMain --socket ADMIN_SOCKET --run-dir DIR [--suite sm|nist] [--pid-file FILE]";

    NodeInterposerOptions {
        requireNonNull(socket, "socket is null");
        requireNonNull(runDir, "runDir is null");
        requireNonNull(suite, "suite is null");
        requireNonNull(pidFile, "pidFile is null");
    }

    /** IllegalArgumentException with a one-line reason for anything it does not understand. */
    static NodeInterposerOptions parse(String... args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (!option.equals("--socket") && !option.equals("--run-dir") && !option.equals("--suite") && !option.equals("--pid-file")) {
                throw new IllegalArgumentException("unknown option " + option);
            }
            if (i + 1 >= args.length || args[i + 1].isEmpty() || args[i + 1].startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            if (values.put(option, args[++i]) != null) {
                throw new IllegalArgumentException(option + " given twice");
            }
        }
        if (!values.containsKey("--socket")) {
            throw new IllegalArgumentException("--socket is required");
        }
        if (!values.containsKey("--run-dir")) {
            throw new IllegalArgumentException("--run-dir is required");
        }
        SuiteName suite = SuiteName.parse(values.getOrDefault("--suite", "sm"));
        return new NodeInterposerOptions(path(values.get("--socket")), path(values.get("--run-dir")), suite,
                Optional.ofNullable(values.get("--pid-file")).map(NodeInterposerOptions::path));
    }

    private static Path path(String text) {
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("not a path: " + text);
        }
    }
}
