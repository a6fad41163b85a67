package org.vtpcm.manager.api;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a compute service (the Nova driver, certificate CN {@code nova-compute.<node>}) may do on a
 * manager: only on its own node, and only give a VM its vTPCM, read it and destroy it. Everything
 * else (migration hooks, enrollment, reference values) stays with the engine and operators.
 */
final class ComputeServiceAccess {
    static final String PREFIX = "nova-compute.";
    private static final Pattern VM_PATH = Pattern.compile("/v1/vms/[^/]+");
    private static final Pattern ATTACH_PATH = Pattern.compile("/v1/vms/[^/]+/vtpcm");
    private static final Pattern READ_PATH = Pattern.compile("/v1/vtpcms(/[^/]+)?|/v1/vms/[^/]+/measurement-log|/v1/node");

    private ComputeServiceAccess() {
    }

    static void check(String nodeName, Optional<String> caller, String method, String path) {
        if (caller.isEmpty() || !caller.get().startsWith(PREFIX)) {
            return;
        }
        String node = caller.get().substring(PREFIX.length());
        if (!node.equals(nodeName)) {
            throw new ForbiddenException("the compute service of " + node + " may not use the manager of " + nodeName);
        }
        boolean allowed = switch (method) {
            case "POST" -> ATTACH_PATH.matcher(path).matches();
            case "DELETE" -> VM_PATH.matcher(path).matches();
            case "GET" -> READ_PATH.matcher(path).matches();
            default -> false;
        };
        if (!allowed) {
            throw new ForbiddenException("a compute service may not " + method + " " + path);
        }
    }
}
