package org.vtpcm.manager.libvirt;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads the migration job's phase from libvirtd's status file of a running domain
 * ({@code <status dir>/<name>.xml}, {@code <domstatus><job async='migration out' phase='confirm3'>}).
 * libvirt writes the phase there before acting on it and, after a libvirtd restart, finishes a
 * migration found in {@code confirm3} by stopping the source domain: so {@code confirm3} is a safe
 * commit point. No libvirt API reports the phase; a missing or unreadable file means "not confirmed".
 */
public final class LibvirtStatusFiles implements SourceConfirmation {
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtStatusFiles.class);
    private static final long MAX_BYTES = 4L << 20;

    private final Path statusDirectory;
    private final DocumentBuilderFactory factory;

    public LibvirtStatusFiles(Path statusDirectory) {
        this.statusDirectory = requireNonNull(statusDirectory, "statusDirectory is null");
        this.factory = DocumentBuilderFactory.newInstance();
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser lacks secure processing", e);
        }
        factory.setExpandEntityReferences(false);
    }

    @Override
    public boolean confirmed(String domainName) {
        if (domainName == null || domainName.isEmpty() || domainName.contains("/")) {
            return false;
        }
        Path file = statusDirectory.resolve(domainName + ".xml");
        try {
            if (Files.size(file) > MAX_BYTES) {
                return false;
            }
            try (InputStream in = Files.newInputStream(file)) {
                NodeList jobs = factory.newDocumentBuilder().parse(in).getDocumentElement().getElementsByTagName("job");
                for (int i = 0; i < jobs.getLength(); i++) {
                    Element job = (Element) jobs.item(i);
                    if ("migration out".equals(job.getAttribute("async")) && "confirm3".equals(job.getAttribute("phase"))) {
                        return true;
                    }
                }
                return false;
            }
        } catch (NoSuchFileException e) {
            return false; // the domain already stopped here (or never ran)
        } catch (IOException | SAXException | ParserConfigurationException e) {
            // libvirtd rewrites the file in place; a half-written read is retried at the next poll
            LOG.debug("cannot read the status of {}: {}", domainName, e.getMessage());
            return false;
        }
    }
}
