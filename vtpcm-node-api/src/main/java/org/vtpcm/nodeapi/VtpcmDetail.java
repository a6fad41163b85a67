package org.vtpcm.nodeapi;

import java.util.List;

/** Answer of {@code GET /v1/vtpcms/{vmUuid}}: the association row and its transitions, oldest first. */
public record VtpcmDetail(AssociationView vtpcm, List<String> history) {
    public VtpcmDetail {
        history = history == null ? List.of() : List.copyOf(history);
    }
}
