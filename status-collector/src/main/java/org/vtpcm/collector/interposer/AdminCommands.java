package org.vtpcm.collector.interposer;

import static java.util.Objects.requireNonNull;

import org.vtpcm.collector.swtpm.SwtpmControlException;

/**
 * Carries out one admin command and answers it. Every failure becomes a failed answer with a clear
 * error: bad admin input never reaches the event loop as an exception. {@code Watch} is the admin
 * connection's business; here it is only acknowledged.
 */
final class AdminCommands {
    private final ChannelRegistry registry;
    private final long pid;

    AdminCommands(ChannelRegistry registry, long pid) {
        this.registry = requireNonNull(registry, "registry is null");
        this.pid = pid;
    }

    InterposerAnswer answer(InterposerCommand command) {
        try {
            if (command instanceof InterposerCommand.Serve serve) {
                return InterposerAnswer.of(registry.serve(serve), pid);
            } else if (command instanceof InterposerCommand.Forget forget) {
                registry.forget(forget.vtpcmId());
                return InterposerAnswer.done(pid);
            } else if (command instanceof InterposerCommand.Report report) {
                return InterposerAnswer.of(registry.report(report.vtpcmId()).orElse(null), pid);
            } else if (command instanceof InterposerCommand.Channels) {
                return InterposerAnswer.of(registry.reports(), pid);
            } else {
                return InterposerAnswer.done(pid); // Watch, Ping
            }
        } catch (IllegalArgumentException | SwtpmControlException e) {
            return InterposerAnswer.failed(e.getMessage(), pid);
        }
    }

    InterposerAnswer failed(String error) {
        return InterposerAnswer.failed(error, pid);
    }
}
