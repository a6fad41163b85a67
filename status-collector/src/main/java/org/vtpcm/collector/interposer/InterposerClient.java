package org.vtpcm.collector.interposer;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The node manager's side of the node interposer's admin socket. Each call is one short connection
 * (so the client holds no state and is thread-safe, and a restarted service is simply reached anew)
 * with a deadline: {@link InterposerException} when nothing listens, the service does not answer in
 * time, or it refuses the command.
 */
public final class InterposerClient {
    /** How long a call may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Path adminSocket;
    private final Duration timeout;

    public InterposerClient(Path adminSocket) {
        this(adminSocket, TIMEOUT);
    }

    public InterposerClient(Path adminSocket, Duration timeout) {
        this.adminSocket = requireNonNull(adminSocket, "adminSocket is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    /** Serves the vTPCM's control channel at {@code listen}, relayed to {@code engine}; its report. */
    public ChannelReport serve(UUID vtpcmId, Path listen, Path engine) {
        InterposerAnswer answer = succeed(new InterposerCommand.Serve(requireNonNull(vtpcmId, "vtpcmId is null"),
                listen.toAbsolutePath().normalize().toString(), engine.toAbsolutePath().normalize().toString()));
        if (answer.report() == null) {
            throw new InterposerException("the interposer served vTPCM " + vtpcmId + " but sent no report");
        }
        return answer.report();
    }

    /** Stops serving the vTPCM's channel (closing any connection); fine if it was not served. */
    public void forget(UUID vtpcmId) {
        succeed(new InterposerCommand.Forget(requireNonNull(vtpcmId, "vtpcmId is null")));
    }

    /** The channel's report, or empty if the vTPCM is not served. */
    public Optional<ChannelReport> report(UUID vtpcmId) {
        return Optional.ofNullable(succeed(new InterposerCommand.Report(requireNonNull(vtpcmId, "vtpcmId is null"))).report());
    }

    public List<ChannelReport> channels() {
        return succeed(new InterposerCommand.Channels()).channels();
    }

    /** Whether the service answers a ping; false when nothing listens (never throws). */
    public boolean alive() {
        try {
            call(new InterposerCommand.Ping());
            return true;
        } catch (InterposerException e) {
            return false;
        }
    }

    /** The service's process id (it answers every call with it). */
    public long pid() {
        return succeed(new InterposerCommand.Ping()).pid();
    }

    /** A stream of channel events, read by a daemon thread; close it to stop. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Subscribes to every channel's events: {@code events} is called on a daemon thread, in order.
     * {@code onClosed} runs once if the stream ends by the service's doing (it stopped, or dropped a
     * watcher too slow to read), not after {@link Subscription#close()}: the caller resubscribes then.
     */
    public Subscription watch(Consumer<ChannelEvent> events, Runnable onClosed) {
        requireNonNull(events, "events is null");
        requireNonNull(onClosed, "onClosed is null");
        InterposerCommand watch = new InterposerCommand.Watch();
        long deadline = System.nanoTime() + timeout.toNanos();
        AdminChannel channel = open(deadline);
        try {
            channel.write(InterposerJson.line(watch), deadline);
            check(watch, InterposerJson.answer(channel.readLine(deadline)));
            EventStream stream = new EventStream(channel.blocking(), events, onClosed);
            stream.start();
            return stream;
        } catch (IOException e) {
            channel.close();
            throw failure(watch, e);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private InterposerAnswer succeed(InterposerCommand command) {
        InterposerAnswer answer = call(command);
        check(command, answer);
        return answer;
    }

    private static void check(InterposerCommand command, InterposerAnswer answer) {
        if (!answer.ok()) {
            throw new InterposerException("the node interposer refused " + opName(command) + ": " + answer.error());
        }
    }

    private InterposerAnswer call(InterposerCommand command) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (AdminChannel channel = open(deadline)) {
            channel.write(InterposerJson.line(command), deadline);
            return InterposerJson.answer(channel.readLine(deadline));
        } catch (IOException e) {
            throw failure(command, e);
        }
    }

    private AdminChannel open(long deadline) {
        try {
            return AdminChannel.open(adminSocket, deadline);
        } catch (IOException e) {
            throw new InterposerException("no node interposer at " + adminSocket + ": " + e.getMessage(), e);
        }
    }

    private InterposerException failure(InterposerCommand command, IOException e) {
        return new InterposerException("talking to the node interposer at " + adminSocket + " (" + opName(command) + ") failed: "
                + e.getMessage(), e);
    }

    private static String opName(InterposerCommand command) {
        return command.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }
}
