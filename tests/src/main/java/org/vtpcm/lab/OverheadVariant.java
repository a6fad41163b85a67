package org.vtpcm.lab;

/** The variants of the overhead benchmark, in the order each round runs them. */
enum OverheadVariant {
    NO_TPM("no_tpm", "the guest without any TPM device, libvirt alone"),
    PLAIN_VTPM("plain_vtpm", "the guest with a libvirt-managed swtpm (emulator backend), libvirt alone"),
    VTPCM("vtpcm", "the guest with its vTPCM through the migration engine (verify-before-resume)"),
    VTPCM_RESUME_FIRST("vtpcm_resume_first", "the same through the engine with verifyBeforeResume=false");

    private final String key;
    private final String description;

    OverheadVariant(String key, String description) {
        this.key = key;
        this.description = description;
    }

    /** The name used in the JSON and the table. */
    String key() {
        return key;
    }

    String description() {
        return description;
    }

    boolean throughEngine() {
        return this == VTPCM || this == VTPCM_RESUME_FIRST;
    }
}
