package org.vtpcm.manager.api;

import static org.vtpcm.protocol.pki.Role.ENGINE;
import static org.vtpcm.protocol.pki.Role.NODE_MANAGER;
import static org.vtpcm.protocol.pki.Role.NOVA_COMPUTE;
import static org.vtpcm.protocol.pki.Role.OPERATOR;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.service.rest.ForbiddenException;

/**
 * Which role may call which endpoint of a manager, decided from the role in the caller's certificate
 * (never from its name alone). Deny by default: an endpoint without a rule is refused to everyone, and
 * a role gets only what its rule lists. A compute service ({@link Role#NOVA_COMPUTE}, certificate
 * name {@code nova-compute.<node>}) is only ever allowed on its own node. Which source node may push
 * a migration's bundle is checked per migration by the receiver.
 */
final class EndpointAccess {
    static final String COMPUTE_PREFIX = "nova-compute.";
    private static final String ID = "[^/]+";
    private static final String MIGRATION = "/v1/migrations/" + ID;
    private static final List<Rule> RULES = List.of(
            new Rule("GET", "/v1/node", ENGINE, OPERATOR, NOVA_COMPUTE),
            new Rule("POST", "/v1/attestation/quote", ENGINE),
            new Rule("POST", MIGRATION + "/(prepare-incoming|freeze|abort|export|stage|verify|commit|send|migrate-vm|migrate-vm/abort"
                    + "|arrival|resume)", ENGINE),
            new Rule("GET", MIGRATION + "/migrate-vm", ENGINE),
            // the source manager pushes the bundle and asks the destination to stage it; the receiver checks it is the
            // source node that prepare-incoming named for that migration
            new Rule("PUT", MIGRATION + "/bundle/chunks/" + ID, NODE_MANAGER),
            new Rule("POST", MIGRATION + "/stage-chunks", NODE_MANAGER),
            new Rule("GET", "/v1/vms/" + ID + "/domain", ENGINE, OPERATOR),
            new Rule("GET", "/v1/vtpcms(/" + ID + ")?", ENGINE, OPERATOR, NOVA_COMPUTE),
            new Rule("GET", "/v1/vms/" + ID + "/measurement-log", ENGINE, OPERATOR, NOVA_COMPUTE),
            new Rule("POST", "/v1/vms", OPERATOR),
            new Rule("POST", "/v1/vms/" + ID + "/(start|stop)", OPERATOR),
            new Rule("POST", "/v1/vms/" + ID + "/vtpcm", OPERATOR, NOVA_COMPUTE),
            new Rule("DELETE", "/v1/vms/" + ID, OPERATOR, NOVA_COMPUTE),
            new Rule("GET", "/v1/reference-values", ENGINE, OPERATOR),
            new Rule("POST", "/v1/reference-values", OPERATOR),
            new Rule("DELETE", "/v1/reference-values/" + ID, OPERATOR),
            new Rule("PUT", "/v1/revocations", ENGINE),
            new Rule("GET", "/v1/revocations", ENGINE, OPERATOR));

    private EndpointAccess() {
    }

    /** One endpoint (method and path pattern) and the roles that may call it. */
    private record Rule(String method, Pattern path, Set<Role> roles) {
        Rule(String method, String path, Role first, Role... more) {
            this(method, Pattern.compile(path), Set.copyOf(EnumSet.of(first, more)));
        }

        boolean matches(String requestMethod, String requestPath) {
            return method.equals(requestMethod) && path.matcher(requestPath).matches();
        }
    }

    /**
     * Allows the call or throws {@link ForbiddenException} saying why.
     *
     * @param role the role in the caller's certificate, empty if it carries none (or several)
     * @param caller the common name of the caller's certificate
     * @param nodeName this manager's node
     */
    static void check(Optional<Role> role, Optional<String> caller, String nodeName, String method, String path) {
        Optional<Rule> rule = RULES.stream().filter(candidate -> candidate.matches(method, path)).findFirst();
        if (rule.isEmpty()) {
            throw new ForbiddenException("no caller may " + method + " " + path);
        }
        if (role.isEmpty()) {
            throw new ForbiddenException("the caller's certificate carries no role; " + method + " " + path + " needs one of "
                    + labels(rule.get().roles()));
        }
        if (!rule.get().roles().contains(role.get())) {
            throw new ForbiddenException("a " + role.get().label() + " certificate" + caller.map(name -> " ('" + name + "')").orElse("")
                    + " may not " + method + " " + path + "; allowed: " + labels(rule.get().roles()));
        }
        if (role.get() == NOVA_COMPUTE && !caller.equals(Optional.of(COMPUTE_PREFIX + nodeName))) {
            throw new ForbiddenException("a compute service may use only its own node's manager: this is " + nodeName
                    + ", the caller's certificate names " + caller.map(name -> "'" + name + "'").orElse("nothing"));
        }
    }

    private static String labels(Set<Role> roles) {
        return roles.stream().sorted().map(Role::label).collect(Collectors.joining(", "));
    }
}
