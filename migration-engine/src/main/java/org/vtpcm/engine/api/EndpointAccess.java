package org.vtpcm.engine.api;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.vtpcm.protocol.pki.Role;

/**
 * Which roles may call which endpoint of the engine's API (docs/security.md): a pure decision on the
 * caller's role, the method and the path. An endpoint missing from the table is denied to everyone.
 */
public final class EndpointAccess {
    private static final Set<Role> EVERY_ACCEPTED = EnumSet.of(Role.OPERATOR, Role.DASHBOARD, Role.NOVA_COMPUTE, Role.NODE_MANAGER);
    private static final Set<Role> READERS = EnumSet.of(Role.OPERATOR, Role.DASHBOARD);
    private static final Set<Role> OPERATOR = EnumSet.of(Role.OPERATOR);
    private static final Set<Role> NOVA_COMPUTE = EnumSet.of(Role.NOVA_COMPUTE);

    /** One row of the table: a method ({@code *} any), a path template ({@code {name}} one segment, {@code **} the rest) and its roles. */
    public record Rule(String method, String template, Set<Role> roles) {
        public Rule {
            roles = Set.copyOf(roles);
        }
    }

    /** The table, first match decides. */
    public static final List<Rule> RULES = List.of(
            new Rule("GET", "/v1/health", EVERY_ACCEPTED),
            new Rule("GET", "/metrics", READERS),
            // Nova's compute services: the hooks of their own side of a migration (checked again per migration)
            new Rule("POST", "/v1/nova/live-migrations", NOVA_COMPUTE),
            new Rule("POST", "/v1/nova/instances/{uuid}/prepare", NOVA_COMPUTE),
            new Rule("POST", "/v1/nova/instances/{uuid}/send", NOVA_COMPUTE),
            new Rule("POST", "/v1/nova/instances/{uuid}/commit", NOVA_COMPUTE),
            new Rule("POST", "/v1/nova/instances/{uuid}/abort", NOVA_COMPUTE),
            // the record of an instance's Nova-driven migration: its computes (either side), and operators and dashboards to watch it
            new Rule("GET", "/v1/nova/instances/{uuid}/migration", EnumSet.of(Role.NOVA_COMPUTE, Role.OPERATOR, Role.DASHBOARD)),
            new Rule("POST", "/v1/nova/migrations", READERS),
            new Rule("GET", "/v1/nova/instances/{uuid}/nova-migrations", READERS),
            new Rule("POST", "/v1/migrations", READERS),
            new Rule("POST", "/v1/migrations/{id}/abort", READERS),
            new Rule("GET", "/v1/migrations", READERS),
            new Rule("GET", "/v1/migrations/{id}", READERS),
            new Rule("GET", "/v1/migrations/{id}/receipt", READERS),
            new Rule("GET", "/v1/hosts", READERS),
            new Rule("GET", "/v1/hosts/{name}", READERS),
            new Rule("POST", "/v1/hosts/{name}/attest", READERS),
            new Rule("POST", "/v1/hosts/{name}/trust", OPERATOR),
            new Rule("POST", "/v1/hosts/{name}/revoke", OPERATOR),
            new Rule("GET", "/v1/vtpcms", READERS),
            new Rule("GET", "/v1/vtpcms/{vm}", READERS),
            new Rule("GET", "/v1/reference-values", READERS),
            new Rule("POST", "/v1/reference-values", OPERATOR),
            new Rule("DELETE", "/v1/reference-values/{id}", OPERATOR),
            new Rule("*", "/v1/enrollment-tokens", OPERATOR),
            new Rule("*", "/v1/enrollment-tokens/**", OPERATOR),
            new Rule("*", "/v1/certificates", OPERATOR),
            new Rule("*", "/v1/certificates/**", OPERATOR),
            new Rule("GET", "/v1/revocations", EVERY_ACCEPTED));

    private static final Map<String, Pattern> PATTERNS = RULES.stream().map(Rule::template).distinct()
            .collect(Collectors.toUnmodifiableMap(template -> template, EndpointAccess::pattern));

    private EndpointAccess() {
    }

    /** Whether a caller of this role may call the method on the path; false for anything not in {@link #RULES}. */
    public static boolean allows(Role role, String method, String path) {
        for (Rule rule : RULES) {
            if ((rule.method().equals("*") || rule.method().equals(method)) && PATTERNS.get(rule.template()).matcher(path).matches()) {
                return rule.roles().contains(role);
            }
        }
        return false;
    }

    private static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        for (String segment : template.substring(1).split("/")) {
            regex.append('/');
            if (segment.equals("**")) {
                regex.append(".+");
            } else if (segment.startsWith("{") && segment.endsWith("}")) {
                regex.append("[^/]+");
            } else {
                regex.append(Pattern.quote(segment));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
