package org.vtpcm.manager.node;

import org.vtpcm.nodeapi.QuoteEvidence;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.attestation.PlatformEvent;
import org.vtpcm.attestation.PlatformMeasurer;
import org.vtpcm.attestation.PlatformTpm;
import org.vtpcm.attestation.Quote;
import org.vtpcm.nodeapi.NodePcrs;

/**
 * The node's platform attestation. At start it measures the manager's own code (PCR 11), its
 * configuration (PCR 12) and the qemu, libvirtd and swtpm binaries (PCR 13) into the platform TPM
 * and keeps the event log; {@link #quote(byte[])} signs the PCRs with the attestation key.
 */
public final class NodeAttestation implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAttestation.class);

    private final String nodeName;
    private final PlatformTpm tpm;
    private final PlatformMeasurer measurer;
    private final Path akCertificate;

    public NodeAttestation(String nodeName, PlatformTpm tpm, Path akCertificate) {
        this.nodeName = requireNonNull(nodeName, "nodeName is null");
        this.tpm = requireNonNull(tpm, "tpm is null");
        this.measurer = new PlatformMeasurer(tpm);
        this.akCertificate = requireNonNull(akCertificate, "akCertificate is null");
    }

    /** Measures code, config and binaries; call once, at start, before anything else runs. */
    public void measureStart(List<Path> codeFiles, Path configFile, List<Path> binaries) {
        for (Path code : codeFiles) {
            measurer.measureFile(NodePcrs.CODE, code);
        }
        measurer.measureFile(NodePcrs.CONFIG, configFile);
        for (Path binary : binaries) {
            if (Files.isRegularFile(binary)) {
                measurer.measureFile(NodePcrs.BINARIES, binary);
            } else {
                // an absent binary is recorded too: a verifier must see that it was expected
                measurer.measureBytes(NodePcrs.BINARIES, "missing:" + binary, new byte[0]);
            }
        }
        LOG.info("measured {} code file(s), config {}, {} binary(ies) into PCRs 11-13 of the {}", codeFiles.size(), configFile,
                binaries.size(), tpm.description());
    }

    public String rootOfTrust() {
        return tpm.description();
    }

    public List<PlatformEvent> eventLog() {
        return measurer.eventLog();
    }

    public PlatformTpm tpm() {
        return tpm;
    }

    public QuoteEvidence quote(byte[] nonce) {
        Quote quote = tpm.quote(nonce, NodePcrs.quoted());
        HexFormat hex = HexFormat.of();
        Map<Integer, String> pcrs = new LinkedHashMap<>();
        quote.pcrValues().forEach((index, value) -> pcrs.put(index, hex.formatHex(value)));
        List<QuoteEvidence.EventView> events = new ArrayList<>();
        for (PlatformEvent event : measurer.eventLog()) {
            events.add(new QuoteEvidence.EventView(event.pcr(), event.description(), hex.formatHex(event.sha256Digest())));
        }
        String certificate;
        try {
            certificate = Files.isRegularFile(akCertificate) ? Files.readString(akCertificate) : "";
        } catch (IOException e) {
            certificate = "";
        }
        return new QuoteEvidence(nodeName, tpm.description(), hex.formatHex(nonce), hex.formatHex(quote.attest()),
                hex.formatHex(quote.signature()), pcrs, events, hex.formatHex(tpm.attestationKey().publicArea()), certificate);
    }

    @Override
    public void close() {
        try {
            tpm.close();
        } catch (Exception e) {
            LOG.warn("closing the platform TPM failed: {}", e.getMessage());
        }
    }
}
