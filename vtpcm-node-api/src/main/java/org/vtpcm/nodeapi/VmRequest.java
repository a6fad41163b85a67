package org.vtpcm.nodeapi;

import java.util.UUID;

/** Body of the hooks that name only the VM: freeze, abort, verify, commit, arrival, resume. */
public record VmRequest(UUID vmUuid) {
}
