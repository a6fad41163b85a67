package org.vtpcm.nodeapi;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An answer's body read as UTF-8 text up to a cap: a larger answer (by its Content-Length or as it
 * streams in) fails with {@link ManagerClientException} code {@link #TOO_LARGE} instead of filling the heap.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<String> {
    static final String TOO_LARGE = "ANSWER_TOO_LARGE";

    private final long maxBytes;
    private final String what;
    private final boolean declaredTooLarge;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private BoundedBody(long maxBytes, String what, boolean declaredTooLarge) {
        this.maxBytes = maxBytes;
        this.what = what;
        this.declaredTooLarge = declaredTooLarge;
    }

    /** A handler that refuses bodies over {@code maxBytes}; {@code what} names the call in the error. */
    static HttpResponse.BodyHandler<String> handler(long maxBytes, String what) {
        return info -> new BoundedBody(maxBytes, what, info.headers().firstValueAsLong("Content-Length").orElse(-1) > maxBytes);
    }

    static ManagerClientException tooLarge(long maxBytes, String what) {
        return new ManagerClientException(502, TOO_LARGE, what + ": the answer exceeds " + maxBytes + " bytes");
    }

    @Override
    public CompletionStage<String> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (declaredTooLarge) {
            subscription.cancel();
            result.completeExceptionally(tooLarge(maxBytes, what));
            return;
        }
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            if (bytes.size() + (long) buffer.remaining() > maxBytes) {
                subscription.cancel();
                result.completeExceptionally(tooLarge(maxBytes, what));
                return;
            }
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            bytes.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(bytes.toString(StandardCharsets.UTF_8));
    }
}
