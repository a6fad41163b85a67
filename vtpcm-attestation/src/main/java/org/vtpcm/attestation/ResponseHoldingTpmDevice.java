package org.vtpcm.attestation;

import tss.TpmDevice;

/** A TSS.Java transport that reads each response whole when it sends the command, and hands it out once. */
abstract class ResponseHoldingTpmDevice extends TpmDevice {
    private byte[] response;

    /** Keeps the response the transport just read, for {@link #getResponse()}. */
    protected final void hold(byte[] received) {
        response = received;
    }

    @Override
    public final byte[] getResponse() {
        byte[] result = response;
        response = null;
        if (result == null) {
            throw new PlatformTpmException("no TPM response available");
        }
        return result;
    }

    @Override
    public final boolean responseReady() {
        return response != null;
    }
}
