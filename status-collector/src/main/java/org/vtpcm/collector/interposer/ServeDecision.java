package org.vtpcm.collector.interposer;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * What a Serve command does to the channels, decided from what is served now: the manager hands a
 * pooled swtpm to a vTPCM by rebinding its channel, but a channel QEMU is using never changes engine
 * under it, and a listen path belongs to one vTPCM.
 *
 * @param action what to do
 * @param refusal why not, for {@link Action#REFUSE}; empty otherwise
 */
record ServeDecision(Action action, String refusal) {
    enum Action {
        /** Not served yet: listen. */
        CREATE,
        /** Served with these arguments already: nothing to do. */
        UNCHANGED,
        /** Not connected, another engine: relay the next QEMU connection there. */
        REBIND,
        REFUSE
    }

    /** How a vTPCM is served now. */
    record Served(Path listen, Path engine, boolean connected) {
        Served {
            requireNonNull(listen, "listen is null");
            requireNonNull(engine, "engine is null");
        }
    }

    ServeDecision {
        requireNonNull(action, "action is null");
        requireNonNull(refusal, "refusal is null");
    }

    static ServeDecision decide(UUID vtpcmId, Path listen, Path engine, Optional<Served> current, Optional<UUID> listenOwner) {
        if (listenOwner.isPresent() && !listenOwner.get().equals(vtpcmId)) {
            return refuse("listen path " + listen + " is already served for vTPCM " + listenOwner.get());
        }
        if (current.isEmpty()) {
            return new ServeDecision(Action.CREATE, "");
        }
        Served served = current.get();
        if (!served.listen().equals(listen)) {
            return refuse("vTPCM " + vtpcmId + " is served at " + served.listen() + "; forget it before serving it at " + listen);
        }
        if (served.engine().equals(engine)) {
            return new ServeDecision(Action.UNCHANGED, "");
        }
        if (served.connected()) {
            return refuse("QEMU is connected to the channel of vTPCM " + vtpcmId + "; its engine stays " + served.engine()
                    + " until QEMU disconnects");
        }
        return new ServeDecision(Action.REBIND, "");
    }

    private static ServeDecision refuse(String why) {
        return new ServeDecision(Action.REFUSE, why);
    }
}
