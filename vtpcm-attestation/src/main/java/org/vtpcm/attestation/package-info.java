/**
 * Node attestation for vtpcm.
 *
 * <p><b>Node side.</b> Every compute node's vTPCM manager owns a platform root of trust, a
 * {@link org.vtpcm.attestation.PlatformTpm}. On hosts without a hardware TPM (as here) it is an
 * <em>emulated</em> TPM 2.0, {@link org.vtpcm.attestation.EmulatedPlatformTpm}: a swtpm process the
 * manager starts and owns, which gives no hardware guarantee and always says so in its description.
 * On real hosts configuration selects {@link org.vtpcm.attestation.DeviceTpm} (/dev/tpmrm0) instead.
 * {@link org.vtpcm.attestation.PlatformMeasurer} performs the measured start (SHA-256 bank) and keeps
 * the event log.
 *
 * <p><b>Controller side</b> (no TPM needed). {@link org.vtpcm.attestation.CredentialIssuer} binds a
 * secret to a node's EK and AK name (TPM2_MakeCredential in software);
 * {@link org.vtpcm.attestation.QuoteVerifier} checks a quote, its PCR values and the replayed event
 * log against {@link org.vtpcm.attestation.ReferenceValues} before any state is released to the node.
 */
package org.vtpcm.attestation;
