package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;

/**
 * Binds {@link NovaCloud} to the real client for the given settings (see {@link NovaSettings#from}). The client owns
 * a worker thread: whoever owns the injector closes the {@link NovaCloudClient} on shutdown.
 */
public final class NovaBridgeModule extends AbstractModule {
    private final NovaSettings settings;

    public NovaBridgeModule(NovaSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    @Override
    protected void configure() {
        bind(NovaSettings.class).toInstance(settings);
        bind(NovaCloud.class).to(NovaCloudClient.class);
    }

    @Provides
    @Singleton
    NovaCloudClient client(NovaSettings settings) {
        return new NovaCloudClient(settings, NovaTls.context(settings.caFile()));
    }
}
