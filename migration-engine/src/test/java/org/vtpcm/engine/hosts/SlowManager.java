package org.vtpcm.engine.hosts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.protocol.tls.MutualTls;
import org.vtpcm.protocol.tls.Revocations;

/**
 * A hostile node manager for tests: mutual TLS with a node-manager certificate of a throwaway CA,
 * answering {@code /v1/huge} with 5 MiB (declared), {@code /v1/huge-chunked} with 5 MiB (streamed),
 * {@code /v1/trickle} and {@code /v1/attestation/quote} with headers and then a body that never
 * ends, {@code /v1/node} at once, and every migration hook with 409 {@code MIGRATION_MISMATCH}
 * (a manager whose vTPCM now belongs to a later migration).
 */
public final class SlowManager implements AutoCloseable {
    static final int HUGE = 5 << 20;

    private final HttpsServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final SSLContext engineTls;
    private final CloudCa ca;
    private final List<String> migrationCalls = new java.util.concurrent.CopyOnWriteArrayList<>();

    public SlowManager(Path directory) throws IOException {
        ca = CloudCa.create("test cloud CA", directory.resolve("ca"));
        engineTls = MutualTls.context(ca.issueTlsIdentity(Role.ENGINE, "vtpcm-engine", List.of(), List.of(), Duration.ofDays(1), false,
                true), Set.of(Role.NODE_MANAGER), Revocations.NONE);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(MutualTls.context(ca.issueTlsIdentity(Role.NODE_MANAGER, "n1",
                List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1), true, false), Set.of(Role.ENGINE), Revocations.NONE)) {
            @Override
            public void configure(HttpsParameters parameters) {
                parameters.setSSLParameters(MutualTls.serverParameters());
            }
        });
        server.createContext("/v1/huge", exchange -> answer(exchange, HUGE, true));
        server.createContext("/v1/huge-chunked", exchange -> answer(exchange, HUGE, false));
        server.createContext("/v1/node", exchange -> answer(exchange, 0, true));
        server.createContext("/v1/trickle", trickle());
        server.createContext("/v1/attestation/quote", trickle());
        server.createContext("/v1/migrations/", exchange -> {
            migrationCalls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            byte[] body = "{\"code\":\"MIGRATION_MISMATCH\",\"message\":\"another migration\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(409, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(handlers);
        server.start();
    }

    public URI uri() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The engine's TLS towards this manager. */
    public SSLContext engineTls() {
        return engineTls;
    }

    /** The throwaway cloud CA. */
    public CloudCa ca() {
        return ca;
    }

    private static void answer(HttpExchange exchange, int padding, boolean declared) throws IOException {
        byte[] body = ("{\"node\":\"n1\",\"padding\":\"" + "x".repeat(padding) + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, declared ? body.length : 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        } catch (IOException e) {
            // the client hung up on an answer it refused
        }
    }

    private static HttpHandler trickle() {
        return exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write('{');
                out.flush();
                for (int i = 0; i < 600; i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // the client gave up, as it should
            }
        };
    }

    /** The migration hooks called, as {@code METHOD path}. */
    public List<String> migrationCalls() {
        return List.copyOf(migrationCalls);
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
