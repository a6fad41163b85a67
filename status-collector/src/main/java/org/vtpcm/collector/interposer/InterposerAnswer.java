package org.vtpcm.collector.interposer;

import java.util.List;

/**
 * The answer to one {@link InterposerCommand}.
 *
 * @param ok whether the command was carried out
 * @param error why not (null when ok)
 * @param report the channel's report (Serve, Report; null when none)
 * @param channels every channel's report (Channels; empty otherwise)
 * @param pid the interposer service's process id
 */
public record InterposerAnswer(boolean ok, String error, ChannelReport report, List<ChannelReport> channels, long pid) {
    public InterposerAnswer {
        channels = channels == null ? List.of() : List.copyOf(channels);
        if (!ok && (error == null || error.isBlank())) {
            throw new IllegalArgumentException("a failed answer says why");
        }
    }

    public static InterposerAnswer done(long pid) {
        return new InterposerAnswer(true, null, null, List.of(), pid);
    }

    public static InterposerAnswer of(ChannelReport report, long pid) {
        return new InterposerAnswer(true, null, report, List.of(), pid);
    }

    public static InterposerAnswer of(List<ChannelReport> channels, long pid) {
        return new InterposerAnswer(true, null, null, channels, pid);
    }

    public static InterposerAnswer failed(String error, long pid) {
        return new InterposerAnswer(false, error, null, List.of(), pid);
    }
}
