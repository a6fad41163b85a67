package org.vtpcm.collector.interposer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** The admin connections that asked to Watch; each event is encoded once and pushed to all, in order. Loop thread only. */
final class Watchers implements Consumer<ChannelEvent> {
    private final Set<AdminConnection> watching = new LinkedHashSet<>();

    void add(AdminConnection connection) {
        watching.add(connection);
    }

    void remove(AdminConnection connection) {
        watching.remove(connection);
    }

    @Override
    public void accept(ChannelEvent event) {
        if (watching.isEmpty()) {
            return;
        }
        byte[] line = InterposerJson.line(event);
        List<AdminConnection> snapshot = new ArrayList<>(watching); // a too slow watcher removes itself while pushed to
        for (AdminConnection connection : snapshot) {
            connection.push(line);
        }
    }
}
