package org.vtpcm.engine.attestation;

import java.util.regex.Pattern;

/** Where a reference value applies: every host, the hosts of one class, or one host. */
public final class ReferenceScope {
    public static final String GLOBAL = "global";
    private static final Pattern SCOPE = Pattern.compile("global|(class|host):[A-Za-z0-9][A-Za-z0-9-]{0,62}");

    private ReferenceScope() {
    }

    /** The scope text, checked; null or blank is global. */
    public static String parse(String scope) {
        if (scope == null || scope.isBlank()) {
            return GLOBAL;
        }
        if (!SCOPE.matcher(scope).matches()) {
            throw new IllegalArgumentException("scope must be global, class:<class> or host:<name>, got '" + scope + "'");
        }
        return scope;
    }

    public static String ofClass(String hostClass) {
        return parse("class:" + hostClass);
    }

    public static String ofHost(String host) {
        return parse("host:" + host);
    }
}
