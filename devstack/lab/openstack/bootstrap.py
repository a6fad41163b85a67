#!/usr/bin/python3
"""vtpcm OpenStack lab profile: one Python process that creates what the lab cloud needs.

Phases (each idempotent, so a rerun against the same cloud changes nothing):
  1. catalog: service project, service users (admin role), services and endpoints
     (public/internal/admin at the controller address); then writes the marker file
     <run>/bootstrap.catalog-done so the lab tool can start the computes.
  2. network: waits for neutron-server and warms it up (see phase_network).
  3. images: the lab's kernel + initramfs guest, AMI style: an aki kernel, an ari ramdisk and a
     tiny raw root disk 'vtpcm-guest' with kernel_id/ramdisk_id/os_command_line.
  4. flavors: 'vtpcm' (extra specs vtpcm:enabled=true, vtpcm:policy=deny) and 'plain', root disk 0.
  5. computes: waits (bounded) until the expected nova-compute services are up and their
     hypervisors are mapped (nova-manage cell_v2 discover_hosts once they registered; the
     scheduler's periodic discovery is the fallback).

Uses Debian's python3-keystoneauth1/keystoneclient/glanceclient/novaclient.
"""
import argparse
import os
import subprocess
import sys
import time

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading, session as ks_session
from keystoneclient.v3 import client as ks_client
from glanceclient import client as glance_client
from novaclient import client as nova_client

SERVICES = [
    # name, type, description, port, path
    ("placement", "placement", "Placement API", 8778, ""),
    ("glance", "image", "Image service", 9292, ""),
    ("neutron", "network", "Networking service", 9696, ""),
    ("nova", "compute", "Compute service", 8774, "/v2.1"),
]
SERVICE_USERS = ["nova", "placement", "glance", "neutron"]


def log(msg):
    print("bootstrap: %s" % msg, flush=True)


def wait_for(what, fn, timeout, interval=1.0):
    """Calls fn until it returns a true value; bounded."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = fn()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - keep polling, report the last error
            last = exc
        time.sleep(interval)
    raise SystemExit("bootstrap: error: %s not ready within %ss (last error: %s)" % (what, timeout, last))


def admin_session(args):
    loader = loading.get_plugin_loader("password")
    auth = loader.load_from_options(
        auth_url=args.auth_url, username="admin", password=args.password,
        project_name="admin", user_domain_id="default", project_domain_id="default")
    return ks_session.Session(auth=auth)


def phase_catalog(sess, args):
    ks = ks_client.Client(session=sess, interface="public")
    projects = {p.name: p for p in ks.projects.list(domain="default")}
    service_project = projects.get("service") or ks.projects.create("service", "default",
                                                                     description="lab services")
    admin_role = next(r for r in ks.roles.list() if r.name == "admin")
    users = {u.name: u for u in ks.users.list(domain="default")}
    for name in SERVICE_USERS:
        user = users.get(name)
        if user is None:
            user = ks.users.create(name, domain="default", password=args.password)
        else:
            ks.users.update(user, password=args.password)
        ks.roles.grant(admin_role, user=user, project=service_project)
    services = {s.type: s for s in ks.services.list()}
    endpoints = ks.endpoints.list()
    for name, stype, desc, port, path in SERVICES:
        service = services.get(stype) or ks.services.create(name, stype, description=desc)
        url = "http://%s:%d%s" % (args.controller_ip, port, path)
        for interface in ("public", "internal", "admin"):
            if not any(e.service_id == service.id and e.interface == interface for e in endpoints):
                ks.endpoints.create(service, url, interface=interface, region="RegionOne")
    log("catalog: %d services, %d service users" % (len(SERVICES), len(SERVICE_USERS)))


def phase_network(sess, args):
    """Readiness of the real neutron-server, and a warm-up: Zed's Port model gains its
    'port_forwardings' backref only once SQLAlchemy configured the mappers (on the first query);
    until then GET /v2.0/ports answers 500. Listing networks first configures them."""
    def get(path):
        return sess.get(path, endpoint_filter={"service_type": "network", "interface": "public"},
                        raise_exc=False)
    wait_for("neutron API", lambda: get("/v2.0/networks").status_code == 200, args.timeout)
    project = sess.get_project_id()
    for path in ("/v2.0/ports", "/v2.0/quotas/%s" % project, "/v2.0/extensions"):
        wait_for("neutron %s" % path, lambda p=path: get(p).status_code == 200, 30)
    log("network: neutron-server answers networks, ports, quotas and extensions")


def upload(glance, name, path, disk_format, container_format, **props):
    for image in glance.images.list(filters={"name": name}):
        if image.status == "active":
            return image
        glance.images.delete(image.id)
    image = glance.images.create(name=name, disk_format=disk_format,
                                 container_format=container_format, visibility="public", **props)
    with open(path, "rb") as data:
        glance.images.upload(image.id, data)
    return glance.images.get(image.id)


def phase_images(sess, args):
    glance = glance_client.Client("2", session=sess, interface="public")
    wait_for("glance API", lambda: list(glance.images.list(limit=1)) is not None, args.timeout)
    kernel = upload(glance, "vtpcm-guest-kernel", args.kernel, "aki", "aki")
    ramdisk = upload(glance, "vtpcm-guest-ramdisk", args.initrd, "ari", "ari")
    root = os.path.join(args.run_dir, "vtpcm-guest-root.raw")
    if not os.path.exists(root):
        with open(root, "wb") as f:
            f.truncate(1024 * 1024)  # 1 MiB of zeros: the guest runs from its initramfs
    image = upload(glance, "vtpcm-guest", root, "raw", "bare",
                   kernel_id=kernel.id, ramdisk_id=ramdisk.id,
                   os_command_line=args.cmdline, os_shutdown_timeout="0")
    log("images: vtpcm-guest %s (kernel %s, ramdisk %s)" % (image.id, kernel.id, ramdisk.id))


def phase_flavors(sess, args):
    nova = nova_client.Client("2.1", session=sess, endpoint_type="public")
    wait_for("nova API", lambda: nova.flavors.list() is not None, args.timeout)
    existing = {f.name: f for f in nova.flavors.list(is_public=None)}
    # root disk 0: the instance's disk is the image itself (raw images on the computes, no resize),
    # so the vTPCM manager can measure it against a reference value known before the boot
    for name, specs in (("vtpcm", {"vtpcm:enabled": "true", "vtpcm:policy": "deny"}), ("plain", {})):
        flavor = existing.get(name)
        if flavor is not None and (flavor.disk != 0 or flavor.ram != args.ram):
            nova.flavors.delete(flavor.id)
            flavor = None
        flavor = flavor or nova.flavors.create(name, args.ram, 1, 0)
        if specs:
            flavor.set_keys(specs)
    log("flavors: vtpcm and plain (%d MB, 1 vCPU, root disk = the image)" % args.ram)


def phase_computes(sess, args):
    nova = nova_client.Client("2.53", session=sess, endpoint_type="public")

    last_discover = [0.0]

    def ready():
        up = {s.host for s in nova.services.list(binary="nova-compute") if s.state == "up"}
        hyps = {h.hypervisor_hostname for h in nova.hypervisors.list()}
        if args.nova_conf and all(h in up for h in args.computes) \
                and any(h not in hyps for h in args.computes) \
                and time.monotonic() - last_discover[0] > 5:
            # Map the new computes now instead of waiting for the scheduler's periodic task
            # (its first runs come late). nova-manage works on the database, not the API.
            last_discover[0] = time.monotonic()
            subprocess.run(["nova-manage", "--config-file", args.nova_conf, "cell_v2",
                            "discover_hosts"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=60, check=False)
            hyps = {h.hypervisor_hostname for h in nova.hypervisors.list()}
        missing = [h for h in args.computes if h not in up or h not in hyps]
        return not missing
    wait_for("nova-compute services %s (up and mapped)" % ",".join(args.computes), ready,
             args.timeout, interval=2.0)
    log("computes: %s up and mapped" % ", ".join(args.computes))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--auth-url", required=True)
    p.add_argument("--password", default=os.environ.get("VTPCM_OS_PASSWORD"))
    p.add_argument("--controller-ip", required=True)
    p.add_argument("--run-dir", required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    # pti=on: works around QEMU 7.2's TCG dirty-tracking bug (lost guest writes in live migration;
    # fixed upstream in 9.0 by 03bfc2188f): every kernel entry then flushes TCG's TLB.
    p.add_argument("--cmdline", default="console=ttyS0 quiet loglevel=4 oops=panic panic=-1 pti=on")
    p.add_argument("--ram", type=int, default=128)
    p.add_argument("--computes", nargs="*", default=[])
    p.add_argument("--timeout", type=int, default=240)
    p.add_argument("--nova-conf", help="nova.conf for 'nova-manage cell_v2 discover_hosts'")
    args = p.parse_args()
    if not args.password:
        sys.exit("bootstrap: error: no password (--password or VTPCM_OS_PASSWORD)")
    t0 = time.monotonic()
    sess = admin_session(args)
    try:
        wait_for("keystone", lambda: sess.get_token(), args.timeout)
        phase_catalog(sess, args)
        sess.auth.invalidate()  # the token held so far carries the catalog from before phase 1
        open(os.path.join(args.run_dir, "bootstrap.catalog-done"), "w").close()
        phase_network(sess, args)
        phase_images(sess, args)
        phase_flavors(sess, args)
        if args.computes:
            phase_computes(sess, args)
    except ks_exc.ClientException as exc:
        sys.exit("bootstrap: error: %s" % exc)
    open(os.path.join(args.run_dir, "bootstrap.done"), "w").close()
    log("done in %.1fs" % (time.monotonic() - t0))


if __name__ == "__main__":
    main()
