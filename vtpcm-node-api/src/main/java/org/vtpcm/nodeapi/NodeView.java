package org.vtpcm.nodeapi;

/**
 * Answer of {@code GET /v1/node}: the node's name, crypto suite, root of trust, the public key its
 * bundles are signed with (hex), its last start-up reconciliation and its CPU.
 */
public record NodeView(String name, String suite, String rootOfTrust, String bundleSigningKey, ReconcileReport reconcile, HostCpu cpu) {
}
