package org.vtpcm.collector.swtpm;

/**
 * swtpm control-channel commands (swtpm's tpm_ioctl.h, CMD_*), with the size of their request
 * body after the 4-byte command code, where it is fixed. Numbers are part of swtpm's wire protocol.
 */
public enum ControlCommand {
    GET_CAPABILITY(1, 0),
    INIT(2, 4),
    SHUTDOWN(3, 0),
    GET_TPMESTABLISHED(4, 0),
    SET_LOCALITY(5, 1),
    HASH_START(6, 0),
    HASH_DATA(7, -1),
    HASH_END(8, 0),
    CANCEL_TPM_CMD(9, 0),
    STORE_VOLATILE(10, 0),
    RESET_TPMESTABLISHED(11, 1),
    /** Request: state_flags, type, offset (3 x u32). Response: result, flags, totlength, length, then the blob. */
    GET_STATEBLOB(12, 12),
    /** Request: state_flags, type, length (3 x u32), then the blob. Response: result. */
    SET_STATEBLOB(13, -1),
    STOP(14, 0),
    GET_CONFIG(15, 0),
    /** No body; the data channel's file descriptor travels as SCM_RIGHTS ancillary data. */
    SET_DATAFD(16, 0),
    SET_BUFFERSIZE(17, 4),
    GET_INFO(18, 16);

    private final int code;
    private final int requestBodyLength;

    ControlCommand(int code, int requestBodyLength) {
        this.code = code;
        this.requestBodyLength = requestBodyLength;
    }

    public int code() {
        return code;
    }

    /** Fixed request body length, or -1 when it depends on the body. */
    public int requestBodyLength() {
        return requestBodyLength;
    }

    public static java.util.Optional<ControlCommand> of(int code) {
        for (ControlCommand command : values()) {
            if (command.code == code) {
                return java.util.Optional.of(command);
            }
        }
        return java.util.Optional.empty();
    }
}
