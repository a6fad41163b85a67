/**
 * Pure-JDK parsing of the TPM 2.0 wire structures a verifier handles (TPMT_PUBLIC, TPMS_ATTEST,
 * TPMT_SIGNATURE) and the KDFa used by credential activation. Nothing here talks to a TPM, so
 * controllers can verify nodes without one. Parsers throw {@link org.vtpcm.attestation.tpm2.TpmFormatException}
 * on malformed input and never fail with index or allocation errors.
 */
package org.vtpcm.attestation.tpm2;
