package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.api.exceptions.ResponseException;
import org.openstack4j.api.types.Facing;
import org.openstack4j.core.transport.Config;
import org.openstack4j.openstack.OSFactory;

/**
 * Runs openstack4j calls. openstack4j keeps its session in a ThreadLocal; so every call runs on this class's own
 * single worker thread, on a session opened there from the shared token ({@link OSFactory#clientFromToken}), and no
 * caller's thread ever holds one. openstack4j's own re-authentication is switched off (its marker header) so that a
 * 401 reaches us and the shared token is renewed once, as for the raw calls. Its requests pin compute API 2.1, the
 * version its models are written for.
 *
 * <p>TLS: openstack4j-okhttp 3.12 cannot take a custom SSLContext on JDK 9+ (okhttp 3 then needs a trust manager it
 * cannot derive), so these calls trust the JVM's default trust store; {@code nova.ca-file} covers only Keystone and
 * the raw compute calls. With a private CA, add it to the JVM trust store as well.
 */
final class Openstack4jCompute implements AutoCloseable {
    /** Present on a request, this openstack4j header stops openstack4j from re-authenticating on 401. */
    private static final String NO_REAUTHENTICATION = "OS4J-Auth-Command";

    private final TokenHolder tokens;
    private final Config config;
    private final Facing facing;
    private final Optional<String> region;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "nova-openstack4j");
        thread.setDaemon(true);
        return thread;
    });

    Openstack4jCompute(TokenHolder tokens, NovaSettings settings) {
        this.tokens = requireNonNull(tokens, "tokens is null");
        int millis = (int) settings.timeout().toMillis();
        this.config = Config.newConfig().withConnectionTimeout(millis).withReadTimeout(millis);
        this.facing = switch (settings.endpointInterface()) {
            case PUBLIC -> Facing.PUBLIC;
            case INTERNAL -> Facing.INTERNAL;
            case ADMIN -> Facing.ADMIN;
        };
        this.region = settings.region();
    }

    /** {@code call} on the worker thread; a 401 renews the token and tries once more. */
    <T> T call(String what, Function<OSClientV3, T> call) {
        AuthSession session = tokens.session();
        try {
            return attempt(session, call);
        } catch (ResponseException e) {
            if (e.getStatus() != 401) {
                throw translate(e, what);
            }
        }
        try {
            return attempt(tokens.renew(session), call);
        } catch (ResponseException e) {
            throw translate(e, what);
        }
    }

    private <T> T attempt(AuthSession session, Function<OSClientV3, T> call) {
        Future<T> result = worker.submit(() -> {
            OSClientV3 client = OSFactory.clientFromToken(session.openstack4jToken(), facing, config);
            region.ifPresent(client::useRegion);
            client.headers(Map.of(NO_REAUTHENTICATION, "none", ComputeApi.VERSION_HEADER, "compute 2.1"));
            return call.apply(client);
        });
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new NovaUnavailableException("interrupted while waiting for Nova", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConnectionException connection) {
                throw new NovaUnavailableException("Nova unreachable: " + connection.getMessage(), connection);
            }
            if (cause instanceof ResponseException response) {
                throw response;
            }
            if (cause instanceof NovaException nova) {
                throw nova;
            }
            throw new NovaException("openstack4j failed: " + cause, cause);
        }
    }

    private static NovaException translate(ResponseException e, String what) {
        return NovaErrors.of(e.getStatus(), e.getMessage(), "Nova " + what);
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
