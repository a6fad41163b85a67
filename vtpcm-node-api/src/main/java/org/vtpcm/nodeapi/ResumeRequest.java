package org.vtpcm.nodeapi;

import java.util.UUID;

/**
 * Body of {@code resume} (destination): the VM, and the epoch its staged vTPCM must have (the
 * migration's); without one, any epoch the destination staged in this migration.
 */
public record ResumeRequest(UUID vmUuid, Long epoch) {
}
