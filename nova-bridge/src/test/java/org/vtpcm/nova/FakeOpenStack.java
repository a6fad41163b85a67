package org.vtpcm.nova;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keystone v3 and Nova on one local JDK HTTP server: Keystone under {@code /identity/v3}, Nova under
 * {@code /compute/v2.1}. Nova routes answer what {@link #on} scripted; every request is recorded.
 */
final class FakeOpenStack implements AutoCloseable {
    static final String SERVER = "9168b536-cd40-4630-b43f-b259807c6e87";

    record Recorded(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name)).map(entry -> entry.getValue().get(0))
                    .findFirst().orElse(null);
        }
    }

    record Reply(int status, String body, Map<String, String> headers) {
    }

    private final HttpServer server;
    private final Map<String, Reply> routes = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger issued = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile String versionDocument = fixture("nova-version-v21.json");
    private volatile boolean echoVersionHeader = true;
    private volatile int keystoneStatus = 201;

    FakeOpenStack() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String computeUrl() {
        return base() + "/compute/v2.1";
    }

    Properties settings() {
        Properties properties = new Properties();
        properties.setProperty("nova.auth-url", base() + "/identity/v3");
        properties.setProperty("nova.username", "vtpcm");
        properties.setProperty("nova.password", "s3cret-pw");
        properties.setProperty("nova.project", "admin");
        properties.setProperty("nova.timeout-seconds", "2");
        return properties;
    }

    /** Nova answers {@code METHOD /path} (path after /compute/v2.1, with its query) with this. */
    FakeOpenStack on(String method, String path, int status, String body) {
        routes.put(method + " " + path, new Reply(status, body, Map.of()));
        return this;
    }

    /** Nova's answer to {@code METHOD path} never comes (until close). */
    FakeOpenStack hang(String method, String path) {
        routes.put(method + " " + path, new Reply(-1, "", Map.of()));
        return this;
    }

    void versionDocument(String json) {
        versionDocument = json;
    }

    void echoVersionHeader(boolean echo) {
        echoVersionHeader = echo;
    }

    void keystoneStatus(int status) {
        keystoneStatus = status;
    }

    /** Every token issued so far stops being accepted by Nova. */
    void revokeTokens() {
        validTokens.clear();
    }

    int tokensIssued() {
        return issued.get();
    }

    List<Recorded> requests() {
        return new ArrayList<>(requests);
    }

    List<Recorded> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    static String fixture(String name) {
        try (InputStream in = FakeOpenStack.class.getResourceAsStream("/contract/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        requests.add(new Recorded(exchange.getRequestMethod(), path, Map.copyOf(exchange.getRequestHeaders()), body));
        try {
            if (path.equals("/identity/v3/auth/tokens") && exchange.getRequestMethod().equals("POST")) {
                keystone(exchange);
            } else if (path.startsWith("/compute/v2.1")) {
                nova(exchange, path.substring("/compute/v2.1".length()));
            } else {
                send(exchange, 404, "{\"itemNotFound\": {\"code\": 404, \"message\": \"no route\"}}", Map.of());
            }
        } finally {
            exchange.close();
        }
    }

    private void keystone(HttpExchange exchange) throws IOException {
        if (keystoneStatus != 201) {
            send(exchange, keystoneStatus, "{\"error\": {\"code\": " + keystoneStatus
                    + ", \"message\": \"The request you have made requires authentication.\", \"title\": \"Unauthorized\"}}", Map.of());
            return;
        }
        String token = "gAAAAAB-token-" + issued.incrementAndGet();
        validTokens.add(token);
        String body = fixture("keystone-token.json").replace("{compute}", computeUrl()).replace("{compute-internal}", computeUrl())
                .replace("{identity}", base() + "/identity/v3");
        send(exchange, 201, body, Map.of("X-Subject-Token", token));
    }

    private void nova(HttpExchange exchange, String path) throws IOException {
        if (path.equals("/")) {
            send(exchange, 200, versionDocument, Map.of());
            return;
        }
        String token = exchange.getRequestHeaders().getFirst("X-Auth-Token");
        if (token == null || !validTokens.contains(token)) {
            send(exchange, 401, "{\"error\": {\"code\": 401, \"title\": \"Unauthorized\", "
                    + "\"message\": \"The request you have made requires authentication.\"}}", Map.of());
            return;
        }
        Reply reply = routes.get(exchange.getRequestMethod() + " " + path);
        if (reply == null) {
            send(exchange, 404, "{\"itemNotFound\": {\"code\": 404, \"message\": \"fake Nova has no route " + path + "\"}}", Map.of());
            return;
        }
        if (reply.status() < 0) {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        String version = exchange.getRequestHeaders().getFirst("OpenStack-API-Version");
        send(exchange, reply.status(), reply.body(),
                echoVersionHeader && version != null ? Map.of("OpenStack-API-Version", version) : Map.of());
    }

    private static void send(HttpExchange exchange, int status, String body, Map<String, String> headers) throws IOException {
        headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (status == 202 && bytes.length == 0 || status == 204) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
