package org.vtpcm.collector.interposer;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.collector.swtpm.SwtpmControlException;

/** The served channels by vTPCM; carries out Serve and Forget. Lives on the event loop thread. */
final class ChannelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelRegistry.class);

    private final Map<UUID, Channel> channels = new LinkedHashMap<>();
    private final ListenPolicy policy;
    private final Channel.Context context;

    ChannelRegistry(ListenPolicy policy, Channel.Context context) {
        this.policy = requireNonNull(policy, "policy is null");
        this.context = requireNonNull(context, "context is null");
    }

    /** Serves the channel as asked; IllegalArgumentException when refused, SwtpmControlException when it cannot listen. */
    ChannelReport serve(InterposerCommand.Serve command) {
        Path listen = policy.listen(command.listen());
        Path engine = ListenPolicy.engine(command.engine());
        Channel current = channels.get(command.vtpcmId());
        Optional<UUID> listenOwner = channels.values().stream().filter(channel -> channel.listen().equals(listen))
                .map(Channel::vtpcmId).findFirst();
        ServeDecision decision = ServeDecision.decide(command.vtpcmId(), listen, engine,
                Optional.ofNullable(current).map(Channel::served), listenOwner);
        switch (decision.action()) {
            case CREATE -> {
                Channel channel = Channel.open(command.vtpcmId(), listen, engine, context);
                channels.put(command.vtpcmId(), channel);
                LOG.info("vTPCM {}: serving its control channel at {} for engine {}", command.vtpcmId(), listen, engine);
                return channel.report();
            }
            case UNCHANGED -> {
                current.ensureListening();
                return current.report();
            }
            case REBIND -> {
                current.rebind(engine);
                current.ensureListening();
                return current.report();
            }
            default -> throw new IllegalArgumentException(decision.refusal());
        }
    }

    void forget(UUID vtpcmId) {
        Channel channel = channels.remove(vtpcmId);
        if (channel != null) {
            channel.close(true);
            LOG.info("vTPCM {}: control channel at {} forgotten", vtpcmId, channel.listen());
        }
    }

    Optional<ChannelReport> report(UUID vtpcmId) {
        return Optional.ofNullable(channels.get(vtpcmId)).map(Channel::report);
    }

    List<ChannelReport> reports() {
        List<ChannelReport> reports = new ArrayList<>(channels.size());
        channels.values().forEach(channel -> reports.add(channel.report()));
        return reports;
    }

    /** At shutdown (the loop has stopped): closes every channel without events. */
    void closeAll() {
        for (Channel channel : channels.values()) {
            try {
                channel.close(false);
            } catch (SwtpmControlException | IllegalStateException e) {
                LOG.warn("vTPCM {}: closing its channel failed: {}", channel.vtpcmId(), e.getMessage());
            }
        }
        channels.clear();
    }
}
