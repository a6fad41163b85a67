package org.vtpcm.engine.client;

import org.vtpcm.protocol.pki.Role;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.tls.MutualTls;

/**
 * A canned migration engine for tests: HTTPS with mutual TLS from a throwaway CA, answering each
 * {@code METHOD path?query} with the answers queued for it in turn (the last one repeats), and
 * 404 {@code NOT_FOUND} for anything else. The client's identity {@code operator} is written to
 * {@link #clientTlsDirectory()}.
 */
public final class TestEngine implements AutoCloseable {
    public static final String CLIENT = "operator";

    /** A request as the engine saw it. */
    public record Request(String method, String path, String body, String contentType) {
    }

    private record Answer(int status, String body, String contentType) {
    }

    private final HttpsServer server;
    private final Path clientTlsDirectory;
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private TestEngine(HttpsServer server, Path clientTlsDirectory) {
        this.server = server;
        this.clientTlsDirectory = clientTlsDirectory;
    }

    /** Creates a CA, the engine's and the operator's identities under {@code directory}, and starts serving. */
    public static TestEngine start(Path directory) throws IOException {
        CloudCa ca = CloudCa.create("test cloud CA", directory.resolve("ca"));
        Path clientTls = directory.resolve("client");
        ca.issueTlsIdentity(Role.OPERATOR, CLIENT, List.of(), List.of(), Duration.ofDays(1), false, true).writePem(clientTls, CLIENT);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(MutualTls.context(
                ca.issueTlsIdentity(Role.ENGINE, "engine", List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1), true, false))) {
            @Override
            public void configure(HttpsParameters parameters) {
                parameters.setSSLParameters(MutualTls.serverParameters());
            }
        });
        TestEngine engine = new TestEngine(server, clientTls);
        server.createContext("/", engine::handle);
        server.start();
        return engine;
    }

    /** Queues an answer for {@code method} on {@code pathAndQuery}. */
    public TestEngine answer(String method, String pathAndQuery, int status, String body) {
        return answer(method, pathAndQuery, status, body, "application/json");
    }

    public TestEngine answer(String method, String pathAndQuery, int status, String body, String contentType) {
        answers.computeIfAbsent(method + " " + pathAndQuery, key -> new ArrayDeque<>()).add(new Answer(status, body, contentType));
        return this;
    }

    /** Answers the engine's error JSON. */
    public TestEngine error(String method, String pathAndQuery, int status, String code, String message) {
        return answer(method, pathAndQuery, status, "{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}");
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public URI uri() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    public Path clientTlsDirectory() {
        return clientTlsDirectory;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? ""
                : "?" + exchange.getRequestURI().getRawQuery());
        String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
        requests.add(new Request(method, path, body, exchange.getRequestHeaders().getFirst("Content-Type")));
        Answer answer = next(method + " " + path);
        byte[] bytes = answer.body().getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Answer next(String key) {
        Deque<Answer> queue = answers.get(key);
        if (queue == null) {
            return new Answer(404, "{\"code\":\"NOT_FOUND\",\"message\":\"no canned answer for " + key + "\"}", "application/json");
        }
        synchronized (queue) {
            return queue.size() > 1 ? queue.poll() : queue.peek();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
