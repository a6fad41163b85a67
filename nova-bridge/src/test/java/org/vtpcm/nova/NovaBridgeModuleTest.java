package org.vtpcm.nova;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NovaBridgeModuleTest {
    @Test
    void bindsOneRealClientThatTalksToTheConfiguredCloud() {
        try (FakeOpenStack openstack = new FakeOpenStack()) {
            Injector injector = Guice.createInjector(new NovaBridgeModule(NovaSettings.from(openstack.settings())));
            NovaCloud nova = injector.getInstance(NovaCloud.class);
            try {
                assertSame(nova, injector.getInstance(NovaCloud.class));
                openstack.on("POST", "/servers/" + FakeOpenStack.SERVER + "/action", 202, "");

                nova.liveMigrate(FakeOpenStack.SERVER, Optional.of("vtpcm-n2"));

                assertEquals(1, openstack.requests("POST", "/compute/v2.1/servers/" + FakeOpenStack.SERVER + "/action").size());
            } finally {
                injector.getInstance(NovaCloudClient.class).close();
            }
        }
    }
}
