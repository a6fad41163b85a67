"""Link state of a running guest's interfaces (the quarantine of an arriving instance).

Uses libvirt's live device update with ``<link state='down|up'/>`` on each ``<interface>`` of the
running domain (QEMU ``set_link``): the guest sees its NICs lose carrier, the host side stays
plugged. Only the live definition is changed, never the persistent one, so a restart of the
domain (which Nova does from its own config anyway) does not inherit a quarantine.
"""

import logging

from lxml import etree

LOG = logging.getLogger(__name__)

VIR_DOMAIN_AFFECT_LIVE = 1  # libvirt.VIR_DOMAIN_AFFECT_LIVE


def interface_link_states(domain_xml):
    """{mac or index: 'up'|'down'} of every <interface> in the XML."""
    root = etree.fromstring(domain_xml.encode("utf-8") if isinstance(domain_xml, str)
                            else domain_xml)
    states = {}
    for index, iface in enumerate(root.findall("./devices/interface")):
        mac = iface.find("mac")
        key = mac.get("address") if mac is not None else str(index)
        link = iface.find("link")
        states[key] = link.get("state", "up") if link is not None else "up"
    return states


def set_link_state(guest, state):
    """Sets every interface of the running guest to ``state``; returns the MACs changed.

    Interfaces already in that state are left alone (libvirt ignores a no-op update anyway).
    A guest without interfaces (the lab's) is a no-op. Raises libvirt's error on failure.
    """
    if state not in ("up", "down"):
        raise ValueError("link state must be up or down")
    root = etree.fromstring(guest.get_xml_desc().encode("utf-8"))
    changed = []
    for iface in root.findall("./devices/interface"):
        link = iface.find("link")
        current = link.get("state", "up") if link is not None else "up"
        if current == state:
            continue
        if link is None:
            link = etree.SubElement(iface, "link")
        link.set("state", state)
        device_xml = etree.tostring(iface, encoding="unicode")
        guest._domain.updateDeviceFlags(device_xml, VIR_DOMAIN_AFFECT_LIVE)
        mac = iface.find("mac")
        changed.append(mac.get("address") if mac is not None else "?")
    return changed


def rewrite_tpm_socket(domain_xml, socket_path):
    """Points the external TPM backend of ``domain_xml`` at ``socket_path``."""
    root = etree.fromstring(domain_xml.encode("utf-8"))
    found = False
    for source in root.findall("./devices/tpm/backend[@type='external']/source"):
        source.set("path", socket_path)
        found = True
    if not found:
        return domain_xml
    return etree.tostring(root, encoding="unicode")
