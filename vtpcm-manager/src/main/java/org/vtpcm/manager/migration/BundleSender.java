package org.vtpcm.manager.migration;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.manager.migration.TransferException.Reason;

/**
 * Source: pushes a sealed bundle to the destination manager in chunks over N parallel streams
 * (a pool of N threads per transfer), then asks it to stage them. A chunk that fails with an I/O
 * error or a 5xx is sent again, up to {@link #MAX_RETRIES} times with a short, growing pause; a
 * chunk the destination accepted is never sent again; a 4xx ends the transfer.
 */
public final class BundleSender {
    public static final int DEFAULT_CHUNK_BYTES = 256 * 1024;
    public static final int MAX_STREAMS = 8;
    public static final int MAX_RETRIES = 5;
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(100);
    private static final Logger LOG = LoggerFactory.getLogger(BundleSender.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BundleTransport transport;
    private final int chunkBytes;
    private final Duration backoff;
    private final AtomicInteger threads = new AtomicInteger();

    /**
     * What a transfer took.
     *
     * @param streams the parallel streams used (no more than there are chunks)
     * @param retries how many chunk uploads and stage calls were sent again
     * @param staged the destination's answer to stage-chunks (its vTPCM row, JSON)
     */
    public record Report(long bundleBytes, int chunks, int streams, int retries, long millis, String staged) {
    }

    public BundleSender(BundleTransport transport, int chunkBytes, Duration backoff) {
        this.transport = requireNonNull(transport, "transport is null");
        if (chunkBytes < 1 || chunkBytes > ChunkedBundleReceiver.MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunkBytes must be 1.." + ChunkedBundleReceiver.MAX_CHUNK_BYTES);
        }
        this.chunkBytes = chunkBytes;
        this.backoff = requireNonNull(backoff, "backoff is null");
    }

    public Report send(URI destination, UUID migrationId, byte[] bundle, int streams) {
        requireNonNull(destination, "destination is null");
        if (streams < 1 || streams > MAX_STREAMS) {
            throw new IllegalArgumentException("streams must be 1.." + MAX_STREAMS);
        }
        if (bundle.length == 0) {
            throw new IllegalArgumentException("the bundle is empty");
        }
        long start = System.nanoTime();
        int count = (bundle.length + chunkBytes - 1) / chunkBytes;
        int used = Math.min(streams, count);
        byte[] sha256 = Sha256.of(bundle);
        AtomicInteger retries = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(used, task -> {
            Thread thread = new Thread(task, "bundle-sender-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<BundleTransport.Reply>> uploads = new ArrayList<>();
            for (int index = 0; index < count; index++) {
                int chunk = index;
                uploads.add(pool.submit(() -> {
                    // sliced by the stream that sends it, so at most one copy per stream is in memory
                    byte[] part = Arrays.copyOfRange(bundle, chunk * chunkBytes, Math.min(bundle.length, (chunk + 1) * chunkBytes));
                    byte[] partSha256 = Sha256.of(part);
                    return withRetries(destination, "chunk " + chunk, retries,
                            () -> transport.putChunk(destination, migrationId, chunk, count, bundle.length, partSha256, part));
                }));
            }
            for (Future<BundleTransport.Reply> upload : uploads) {
                upload.get();
            }
            BundleTransport.Reply staged = withRetries(destination, "stage-chunks", retries,
                    () -> transport.stageChunks(destination, migrationId, count, bundle.length, sha256));
            long millis = (System.nanoTime() - start) / 1_000_000;
            LOG.info("migration {}: sent {} bytes in {} chunks over {} streams to {} in {} ms ({} retries)", migrationId, bundle.length,
                    count, used, destination, millis, retries.get());
            return new Report(bundle.length, count, used, retries.get(), millis, staged.body());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("chunk upload failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending migration " + migrationId);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One call to the destination. */
    private interface Call {
        BundleTransport.Reply run() throws IOException, InterruptedException;
    }

    private BundleTransport.Reply withRetries(URI destination, String what, AtomicInteger retries, Call call) throws InterruptedException {
        String lastFailure = "";
        for (int attempt = 0; attempt <= MAX_RETRIES; attempt++) {
            if (attempt > 0) {
                retries.incrementAndGet();
                Thread.sleep(backoff.toMillis() * attempt);
            }
            try {
                BundleTransport.Reply reply = call.run();
                if (reply.accepted()) {
                    return reply;
                }
                if (reply.status() < 500) {
                    throw refused(destination, what, reply);
                }
                lastFailure = "HTTP " + reply.status() + " " + message(reply.body());
            } catch (IOException e) {
                lastFailure = describe(e);
            }
            LOG.warn("{} to {} failed (attempt {} of {}): {}", what, destination, attempt + 1, MAX_RETRIES + 1, lastFailure);
        }
        throw new TransferException(Reason.DESTINATION_UNREACHABLE, "the destination manager " + destination + " did not accept " + what
                + " after " + (MAX_RETRIES + 1) + " attempts; last failure: " + lastFailure);
    }

    /** The exception's name and the first message along its causes (the HTTP client's ConnectException has none itself). */
    private static String describe(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                return e.getClass().getSimpleName() + ": " + cause.getMessage();
            }
        }
        return e.getClass().getSimpleName() + (e instanceof java.net.ConnectException ? ": could not connect" : "");
    }

    private static TransferException refused(URI destination, String what, BundleTransport.Reply reply) {
        String code = code(reply.body());
        return new TransferException(Reason.DESTINATION_REFUSED, "the destination manager " + destination + " refused " + what + " with "
                + reply.status() + " " + code + ": " + message(reply.body()), List.of("status " + reply.status(), code));
    }

    private static String code(String body) {
        return parse(body).path("code").asText("HTTP_ERROR");
    }

    private static String message(String body) {
        String text = parse(body).path("message").asText(body == null ? "" : body);
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
