package org.vtpcm.collector.interposer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The admin connections that asked to Watch; each event is encoded once and pushed to all, in order. Loop thread only. */
final class Watchers implements Consumer<ChannelEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(Watchers.class);
    private final Set<AdminConnection> watching = new LinkedHashSet<>();

    /** At most this many at once, so that watchers (which never idle out) cannot hold every admin place. */
    static final int MAX_WATCHERS = 4;

    /** False when {@link #MAX_WATCHERS} already watch. */
    boolean add(AdminConnection connection) {
        if (watching.size() >= MAX_WATCHERS) {
            return false;
        }
        watching.add(connection);
        return true;
    }

    void remove(AdminConnection connection) {
        watching.remove(connection);
    }

    @Override
    public void accept(ChannelEvent event) {
        if (watching.isEmpty()) {
            return;
        }
        byte[] line;
        try {
            line = InterposerJson.line(event);
        } catch (RuntimeException e) {
            LOG.error("cannot encode {} of vTPCM {}; not pushed: {}", event.kind(), event.vtpcmId(), e.toString());
            return;
        }
        List<AdminConnection> snapshot = new ArrayList<>(watching); // a too slow watcher removes itself while pushed to
        for (AdminConnection connection : snapshot) {
            connection.push(line);
        }
    }
}
