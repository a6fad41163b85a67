package org.vtpcm.manager.node;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The files the running manager's code comes from (its class path), in class-path order. */
public final class CodeFiles {
    private CodeFiles() {
    }

    public static List<Path> ofThisProcess() {
        List<Path> files = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path path = Path.of(entry).toAbsolutePath();
            if (Files.isRegularFile(path)) {
                files.add(path);
            }
        }
        return List.copyOf(files);
    }
}
