package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** The JDK HTTP client shared by the Keystone and raw compute calls; turns I/O failures into {@link NovaUnavailableException}. */
final class HttpTransport {
    private final HttpClient client;
    private final Duration timeout;

    HttpTransport(Duration timeout, SSLContext tls) {
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.client = HttpClient.newBuilder().connectTimeout(timeout).sslContext(requireNonNull(tls, "tls is null"))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Duration timeout() {
        return timeout;
    }

    HttpRequest.Builder request(java.net.URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
    }

    HttpResponse<String> send(HttpRequest request, String what) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new NovaUnavailableException(what + ": no answer within " + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new NovaUnavailableException(what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NovaUnavailableException(what + ": interrupted", e);
        }
    }
}
