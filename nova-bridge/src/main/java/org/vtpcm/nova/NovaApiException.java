package org.vtpcm.nova;

/** Nova answered with an HTTP error; {@link #novaMessage()} is Nova's own explanation. */
public class NovaApiException extends NovaException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String novaMessage;

    public NovaApiException(int status, String novaMessage, String request) {
        super(request + ": HTTP " + status + ": " + novaMessage);
        this.status = status;
        this.novaMessage = novaMessage;
    }

    public int status() {
        return status;
    }

    public String novaMessage() {
        return novaMessage;
    }
}
