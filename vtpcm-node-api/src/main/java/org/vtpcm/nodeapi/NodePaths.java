package org.vtpcm.nodeapi;

import java.util.UUID;

/** The paths of the node API, shared by the manager's routes and its clients. */
public final class NodePaths {
    /** Query parameter of a long-polled GET of a VM migration: how long the source may hold the answer (milliseconds). */
    public static final String WAIT_PARAMETER = "waitMillis";
    /** The longest a source holds such an answer. */
    public static final java.time.Duration MAX_WAIT = java.time.Duration.ofSeconds(5);

    public static final String NODE = "/v1/node";
    public static final String QUOTE = "/v1/attestation/quote";
    public static final String VTPCMS = "/v1/vtpcms";
    public static final String REVOCATIONS = "/v1/revocations";
    /** The media type of a revocation list body (DER). */
    public static final String CRL_MEDIA_TYPE = "application/pkix-crl";
    /** Route pattern of one migration's hooks: {@code /v1/migrations/{migrationId}/<hook>}. */
    public static final String HOOK_ROUTE = "/v1/migrations/{migrationId}/";

    private NodePaths() {
    }

    public static String vtpcm(UUID vmUuid) {
        return VTPCMS + "/" + vmUuid;
    }

    public static String domain(UUID vmUuid) {
        return "/v1/vms/" + vmUuid + "/domain";
    }

    /** Route pattern of one chunk of a bundle, pushed by the source manager. */
    public static final String CHUNK_ROUTE = HOOK_ROUTE + "bundle/chunks/{index}";

    /** One chunk of a migration's bundle. */
    public static String chunk(UUID migrationId, int index) {
        return "/v1/migrations/" + migrationId + "/bundle/chunks/" + index;
    }

    /** One hook of one migration, e.g. {@code hook(id, Hook.FREEZE)}. */
    public static String hook(UUID migrationId, Hook hook) {
        return "/v1/migrations/" + migrationId + "/" + hook.path();
    }

    /** The hooks under {@code /v1/migrations/{migrationId}/}. */
    public enum Hook {
        PREPARE_INCOMING("prepare-incoming"),
        FREEZE("freeze"),
        EXPORT("export"),
        SEND("send"),
        STAGE("stage"),
        STAGE_CHUNKS("stage-chunks"),
        VERIFY("verify"),
        COMMIT("commit"),
        ABORT("abort"),
        MIGRATE_VM("migrate-vm"),
        MIGRATE_VM_ABORT("migrate-vm/abort"),
        ARRIVAL("arrival"),
        RESUME("resume");

        private final String path;

        Hook(String path) {
            this.path = path;
        }

        public String path() {
            return path;
        }

        /** The route pattern the manager registers. */
        public String route() {
            return HOOK_ROUTE + path;
        }
    }
}
