package org.vtpcm.manager;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.inject.Guice;
import com.google.inject.Stage;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.vtpcm.manager.config.ManagerConfig;

class ManagerModuleTest {
    @Test
    void everyBindingTheDaemonNeedsIsThere() {
        Properties properties = new Properties();
        properties.setProperty("node.name", "n1");
        ManagerConfig config = ManagerConfig.from(properties, Path.of("/etc/vtpcm/manager.conf"));
        // the tool stage checks the whole graph without opening anything (no database, libvirt or TPM)
        assertNotNull(Guice.createInjector(Stage.TOOL, new ManagerModule(config)).getBinding(ManagerDaemon.class));
    }
}
