package org.vtpcm.engine;

import picocli.CommandLine;

/** Tests of other packages run {@code vtpcm-engine} commands in-process. */
public final class EngineMainAccess {
    private EngineMainAccess() {
    }

    public static CommandLine commandLine() {
        return EngineMain.commandLine();
    }
}
