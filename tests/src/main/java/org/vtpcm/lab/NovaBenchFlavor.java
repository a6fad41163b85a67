package org.vtpcm.lab;

/** The two servers of the Nova overhead benchmark, by the lab profile's flavor they run on, in the order each pair runs them. */
enum NovaBenchFlavor {
    VTPCM("vtpcm", "the lab guest on the vtpcm flavor (vtpcm:enabled=true, vtpcm:policy=deny): our compute driver runs the"
            + " synchronized protocol through the engine's Nova hooks around Nova's libvirt live migration"),
    PLAIN("plain", "the same image on the plain flavor (no extra specs): Nova's libvirt live migration alone, no TPM device");

    private final String key;
    private final String description;

    NovaBenchFlavor(String key, String description) {
        this.key = key;
        this.description = description;
    }

    /** The flavor's name in the lab profile, also the name used in the JSON and the table. */
    String key() {
        return key;
    }

    String description() {
        return description;
    }
}
