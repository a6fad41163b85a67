package org.vtpcm.manager;

import com.google.inject.AbstractModule;
import org.vtpcm.manager.libvirt.LibvirtConnector;
import org.vtpcm.manager.libvirt.LibvirtJavaConnector;

/** Guice wiring of the vTPCM manager. */
public final class ManagerModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(LibvirtConnector.class).to(LibvirtJavaConnector.class);
    }
}
