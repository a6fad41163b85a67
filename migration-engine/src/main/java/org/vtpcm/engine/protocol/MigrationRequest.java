package org.vtpcm.engine.protocol;

import java.util.Optional;

/**
 * A request to migrate a VM, validated by the API.
 *
 * @param vm the VM's UUID or domain name
 * @param to an explicit destination, if any
 */
public record MigrationRequest(String vm, Optional<String> to, String strategy, int parallel, boolean compress, boolean tls,
        boolean verifyBeforeResume, long bandwidthMiBs) {
}
