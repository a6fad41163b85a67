package org.vtpcm.collector.swtpm;

/** A control-channel command failed: swtpm answered a TPM error code, or the channel broke. */
public final class SwtpmControlException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long tpmResult;

    public SwtpmControlException(String message, long tpmResult) {
        super(message);
        this.tpmResult = tpmResult;
    }

    public SwtpmControlException(String message, Throwable cause) {
        super(message, cause);
        this.tpmResult = -1;
    }

    /** swtpm's TPM result code, or -1 for an I/O failure. */
    public long tpmResult() {
        return tpmResult;
    }
}
