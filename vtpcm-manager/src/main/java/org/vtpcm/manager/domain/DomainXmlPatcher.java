package org.vtpcm.manager.domain;

import static java.util.Objects.requireNonNull;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Puts a vTPCM into a libvirt domain definition: removes any TPM device it has (the manager owns
 * the TPM, libvirt must not start its own swtpm) and adds a TPM 2.0 TIS device with libvirt's
 * external backend pointing at the vTPCM's engine. Also reads what the VM boots from.
 *
 * <p>TIS, not CRB: QEMU 7.2's tpm-crb keeps its command/response buffer in a guest RAM region
 * that the backend writes behind the migration's dirty tracking, and a command still in flight
 * when the source VM stops is only completed in the device's pre_save, after RAM was sent. The
 * destination then resumes with the request bytes where the response should be (the guest sees
 * its own command code as the TPM's answer). tpm-tis carries its buffer in the device state.
 *
 * <p>The parser refuses DTDs and external entities: domain XML arrives over the API.
 */
public final class DomainXmlPatcher {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}");
    private static final int MAX_XML_CHARS = 256 * 1024;
    /** The TPM interface the guest sees; see the class comment for why it is not tpm-crb. */
    static final String TPM_MODEL = "tpm-tis";

    /** Parses, validates and patches {@code domainXml} for a vTPCM whose engine listens on {@code tpmSocket}. */
    public PreparedDomain prepare(String domainXml, Path tpmSocket) {
        requireNonNull(domainXml, "domainXml is null");
        requireNonNull(tpmSocket, "tpmSocket is null");
        if (domainXml.length() > MAX_XML_CHARS) {
            throw new InvalidDomainException("domain XML is too large (" + domainXml.length() + " characters, at most " + MAX_XML_CHARS + ")");
        }
        Document document = parse(domainXml);
        Element domain = document.getDocumentElement();
        if (!"domain".equals(domain.getTagName())) {
            throw new InvalidDomainException("the root element must be <domain>, not <" + domain.getTagName() + ">");
        }
        String type = domain.getAttribute("type");
        if (!type.equals("kvm") && !type.equals("qemu")) {
            throw new InvalidDomainException("only kvm and qemu domains can carry a vTPCM (type='" + type + "')");
        }
        String name = text(domain, "name").orElseThrow(() -> new InvalidDomainException("the domain has no <name>"));
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new InvalidDomainException("invalid domain name '" + name + "' (letters, digits, '_', '.', '+', '-'; at most 128)");
        }
        UUID uuid = text(domain, "uuid").map(DomainXmlPatcher::parseUuid).orElseGet(() -> {
            UUID fresh = UUID.randomUUID();
            Element element = document.createElement("uuid");
            element.setTextContent(fresh.toString());
            domain.insertBefore(element, domain.getFirstChild());
            return fresh;
        });
        Element devices = child(domain, "devices").orElseGet(() -> {
            Element element = document.createElement("devices");
            domain.appendChild(element);
            return element;
        });
        for (Element tpm : children(devices, "tpm")) {
            devices.removeChild(tpm);
        }
        devices.appendChild(tpmDevice(document, tpmSocket));
        BootArtifacts artifacts = artifacts(domain, type);
        return new PreparedDomain(uuid, name, serialize(document), artifacts);
    }

    private static Element tpmDevice(Document document, Path tpmSocket) {
        Element tpm = document.createElement("tpm");
        tpm.setAttribute("model", TPM_MODEL);
        Element backend = document.createElement("backend");
        backend.setAttribute("type", "external");
        Element source = document.createElement("source");
        source.setAttribute("type", "unix");
        source.setAttribute("mode", "connect");
        source.setAttribute("path", tpmSocket.toString());
        backend.appendChild(source);
        tpm.appendChild(backend);
        return tpm;
    }

    private static BootArtifacts artifacts(Element domain, String type) {
        Optional<Element> os = child(domain, "os");
        Optional<Path> kernel = os.flatMap(element -> text(element, "kernel")).map(DomainXmlPatcher::absolutePath);
        Optional<Path> initrd = os.flatMap(element -> text(element, "initrd")).map(DomainXmlPatcher::absolutePath);
        String cmdline = os.flatMap(element -> text(element, "cmdline")).orElse("");
        Optional<Element> osType = os.flatMap(element -> child(element, "type"));
        List<Path> disks = new ArrayList<>();
        for (Element disk : child(domain, "devices").map(devices -> children(devices, "disk")).orElse(List.of())) {
            if (disk.getAttribute("type").equals("file")) {
                child(disk, "source").map(source -> source.getAttribute("file")).filter(file -> !file.isEmpty())
                        .map(DomainXmlPatcher::absolutePath).ifPresent(disks::add);
            }
        }
        // what changes how the VM boots; not its name, uuid or run-time details libvirt adds
        String descriptor = String.join("\n",
                "type=" + type,
                "arch=" + osType.map(element -> element.getAttribute("arch")).orElse(""),
                "machine=" + osType.map(element -> element.getAttribute("machine")).orElse(""),
                "kernel=" + kernel.map(Path::toString).orElse(""),
                "initrd=" + initrd.map(Path::toString).orElse(""),
                "cmdline=" + cmdline,
                "disks=" + String.join(",", disks.stream().map(Path::toString).toList()),
                "memory=" + text(domain, "memory").orElse("") + child(domain, "memory").map(m -> m.getAttribute("unit")).orElse(""),
                "vcpu=" + text(domain, "vcpu").orElse(""));
        return new BootArtifacts(kernel, initrd, disks, descriptor);
    }

    private static Path absolutePath(String text) {
        Path path = Path.of(text.trim());
        if (!path.isAbsolute()) {
            throw new InvalidDomainException("boot artifact paths must be absolute: '" + text + "'");
        }
        return path.normalize();
    }

    private static UUID parseUuid(String text) {
        try {
            return UUID.fromString(text.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidDomainException("<uuid> is not a UUID: '" + text + "'");
        }
    }

    private static Document parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(new InputSource(new StringReader(xml)));
        } catch (SAXException e) {
            throw new InvalidDomainException("domain XML is not well-formed: " + e.getMessage());
        } catch (ParserConfigurationException | java.io.IOException e) {
            throw new InvalidDomainException("cannot parse domain XML: " + e.getMessage());
        }
    }

    private static String serialize(Document document) {
        try {
            TransformerFactory factory = TransformerFactory.newInstance();
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            Transformer transformer = factory.newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter writer = new StringWriter();
            transformer.transform(new DOMSource(document), new StreamResult(writer));
            return writer.toString();
        } catch (TransformerException e) {
            throw new InvalidDomainException("cannot write domain XML: " + e.getMessage());
        }
    }

    private static Optional<Element> child(Element parent, String tag) {
        List<Element> found = children(parent, tag);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element && element.getTagName().equals(tag)) {
                found.add(element);
            }
        }
        return found;
    }

    private static Optional<String> text(Element parent, String tag) {
        return child(parent, tag).map(Element::getTextContent).map(String::trim).filter(text -> !text.isEmpty());
    }
}
