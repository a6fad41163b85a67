package org.vtpcm.nova;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What vtpcm asks of OpenStack compute. The real one is {@link NovaCloudClient}; its tests run it against a stand-in Nova.
 * Every method throws a {@link NovaException} subclass on failure and never returns null.
 */
public interface NovaCloud {
    /** The negotiated compute microversion (at least {@link ComputeApiVersion#REQUIRED}). */
    ComputeApiVersion computeApiVersion();

    NovaServer server(String serverId);

    /** Servers whose name is exactly {@code name} (Nova's filter is a regex; this one is anchored and quoted). */
    List<NovaServer> serversByName(String name);

    NovaFlavor flavor(String flavorId);

    Map<String, String> flavorExtraSpecs(String flavorId);

    List<Hypervisor> hypervisors();

    /** The server's actions, newest first, each with its events (one extra request per action). */
    List<InstanceAction> instanceActions(String serverId);

    InstanceAction instanceAction(String serverId, String requestId);

    /** {@code os-migrateLive} with {@code block_migration: "auto"}; an empty host lets Nova's scheduler choose. */
    void liveMigrate(String serverId, Optional<String> host);

    /** The server's in-progress migrations ({@code GET /servers/{id}/migrations}). */
    List<ServerMigration> migrations(String serverId);

    ServerMigration migration(String serverId, long migrationId);

    /** All migrations of the server, finished ones included ({@code GET /os-migrations?instance_uuid=}). */
    List<ServerMigration> migrationHistory(String serverId);

    void abortMigration(String serverId, long migrationId);

    void forceComplete(String serverId, long migrationId);
}
