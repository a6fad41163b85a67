package org.vtpcm.manager.domain;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * A domain definition made ready for its vTPCM: our external TPM device in place.
 *
 * @param uuid the VM's uuid
 * @param name the domain name
 * @param xml the patched domain XML
 * @param artifacts what it boots from
 */
public record PreparedDomain(UUID uuid, String name, String xml, BootArtifacts artifacts) {
    public PreparedDomain {
        requireNonNull(uuid, "uuid is null");
        requireNonNull(name, "name is null");
        requireNonNull(xml, "xml is null");
        requireNonNull(artifacts, "artifacts is null");
    }
}
