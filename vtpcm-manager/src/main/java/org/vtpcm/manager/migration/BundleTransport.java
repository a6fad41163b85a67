package org.vtpcm.manager.migration;

import java.io.IOException;
import java.net.URI;
import java.util.UUID;

/** The destination manager's chunk endpoints as the sender sees them: HTTPS in the manager, a fake in tests. */
public interface BundleTransport {
    /** The destination's answer: status and body (JSON). */
    record Reply(int status, String body) {
        public boolean accepted() {
            return status >= 200 && status < 300;
        }
    }

    /** PUT /v1/migrations/{id}/bundle/chunks/{index}; IOException when the destination cannot be reached. */
    Reply putChunk(URI destination, UUID migrationId, int index, int count, long length, byte[] sha256, byte[] chunk)
            throws IOException, InterruptedException;

    /** POST /v1/migrations/{id}/stage-chunks. */
    Reply stageChunks(URI destination, UUID migrationId, int count, long length, byte[] sha256) throws IOException, InterruptedException;
}
