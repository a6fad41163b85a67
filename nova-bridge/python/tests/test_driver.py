"""VtpcmLibvirtDriver hooks against Debian's real nova (Zed); only the vtpcm services are fake."""

import inspect
from unittest import mock

import pytest

import nova.conf
from nova import context as nova_context
from nova import exception
from nova import objects
from nova.virt import event as virtevent
from nova.virt.libvirt import driver as libvirt_driver

from vtpcm_nova import client as vc
from vtpcm_nova import driver as vdriver

objects.register_all()
CONF = nova.conf.CONF
CONF([], project="nova", default_config_files=[], default_config_dirs=[])
Parent = libvirt_driver.LibvirtDriver

UUID = "3f0e7c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b"
PLAIN_UUID = "11111111-2222-4333-8444-555555555555"

DOMAIN_XML = """<domain type='qemu'><name>instance-00000007</name><devices>
<interface type='bridge'><mac address='fa:16:3e:00:00:01'/><source bridge='br0'/>
<target dev='tap1'/><alias name='net0'/></interface>
<interface type='bridge'><mac address='fa:16:3e:00:00:02'/><source bridge='br0'/>
<link state='up'/><alias name='net1'/></interface>
</devices></domain>"""


class FakeClient:
    """Records calls; ``fail[name]`` raises, ``answers[name]`` answers."""

    def __init__(self, log):
        self.log = log
        self.fail = {}
        self.answers = {}

    def _do(self, name, *args):
        self.log.append((name,) + args)
        if name in self.fail:
            raise self.fail[name]
        return self.answers.get(name, {"phase": name})

    def create_vtpcm(self, vm_uuid, vm_name, policy, domain_xml):
        self._do("create_vtpcm", vm_uuid, vm_name, policy, domain_xml)
        return "vtpcm-1", "allow", domain_xml.replace("</devices>", "<tpm model='tpm-crb'/>"
                                                                   "</devices>")

    def destroy_vtpcm(self, vm_uuid):
        return self._do("destroy_vtpcm", vm_uuid)

    def begin(self, instance_uuid, vm_name, source, destination, nova_migration_id=None,
              native_tls=False):
        return self._do("begin", instance_uuid, vm_name, source, destination,
                        nova_migration_id, native_tls)

    def prepare(self, uuid):
        return self._do("prepare", uuid)

    def send(self, uuid):
        return self._do("send", uuid)

    def commit(self, uuid):
        return self._do("commit", uuid)

    def abort(self, uuid, reason):
        return self._do("abort", uuid, reason)

    def status(self, uuid):
        return self._do("status", uuid)


class FakeDomain:
    def __init__(self, xml, log):
        self.xml = xml
        self.log = log

    def updateDeviceFlags(self, device_xml, flags):
        from lxml import etree
        dev = etree.fromstring(device_xml)
        mac = dev.find("mac").get("address")
        state = dev.find("link").get("state")
        self.log.append(("link", mac, state, flags))
        root = etree.fromstring(self.xml)
        for iface in root.findall("./devices/interface"):
            if iface.find("mac").get("address") == mac:
                link = iface.find("link")
                if link is None:
                    link = etree.SubElement(iface, "link")
                link.set("state", state)
        self.xml = etree.tostring(root, encoding="unicode")


class FakeGuest:
    def __init__(self, xml, log):
        self._domain = FakeDomain(xml, log)
        self.log = log
        self.paused = False

    def get_xml_desc(self, *a, **kw):
        return self._domain.xml

    def pause(self):
        self.paused = True
        self.log.append(("pause",))


class FakeHost:
    def __init__(self, guest):
        self.guest = guest

    def get_guest(self, instance):
        return self.guest


@pytest.fixture
def log():
    return []


@pytest.fixture
def drv(log):
    CONF.set_override("host", "vtpcm-n2")
    d = vdriver.VtpcmLibvirtDriver.__new__(vdriver.VtpcmLibvirtDriver)
    d._vtpcm_init()
    d.vtpcm_client = FakeClient(log)
    d.guest = FakeGuest(DOMAIN_XML, log)
    d._host = FakeHost(d.guest)
    d._nova_migration_id = lambda context, instance: "nova-mig-1"
    yield d
    CONF.clear_override("host")
    CONF.clear_override("quarantine", group="vtpcm")
    CONF.clear_override("node_name", group="vtpcm")


def _instance(uuid=UUID, extra_specs=None, image_props=None, host="vtpcm-n1"):
    sysmeta = {"image_" + k: v for k, v in (image_props or {}).items()}
    return objects.Instance(uuid=uuid, id=7, host=host, system_metadata=sysmeta,
                            flavor=objects.Flavor(extra_specs=extra_specs or {}))


def vtpcm_instance(**kw):
    return _instance(extra_specs={"vtpcm:enabled": "true"}, **kw)


@pytest.fixture
def ctx():
    return nova_context.RequestContext("user", "project")


def _parent(name, log, ret=None, effect=None):
    def fake(self, *args, **kwargs):
        log.append(("parent." + name,) + args)
        if effect:
            return effect(self, *args, **kwargs)
        return ret
    return mock.patch.object(Parent, name, autospec=True, side_effect=fake)


def test_selection_by_flavor_or_image(drv):
    assert drv.is_vtpcm_instance(vtpcm_instance())
    assert drv.is_vtpcm_instance(_instance(image_props={"vtpcm:enabled": "True"}))
    assert not drv.is_vtpcm_instance(_instance())
    assert not drv.is_vtpcm_instance(_instance(extra_specs={"vtpcm:enabled": "false"}))
    assert not drv.is_vtpcm_instance(_instance(extra_specs={"hw:tpm_version": "2.0"}))
    assert drv._policy(vtpcm_instance()) == "deny"
    assert drv._policy(_instance(extra_specs={"vtpcm:enabled": "1", "vtpcm:policy": "Audit"})) \
        == "audit"
    with pytest.raises(exception.InvalidInput):
        drv._policy(_instance(extra_specs={"vtpcm:enabled": "1", "vtpcm:policy": "allow"}))


# ---- vtpcm:policy: the flavor decides, an image may only tighten ----------------------------

def _policy_instance(flavor_policy=None, image_policy=None):
    specs = {"vtpcm:enabled": "true"}
    if flavor_policy is not None:
        specs["vtpcm:policy"] = flavor_policy
    props = {} if image_policy is None else {"vtpcm:policy": image_policy}
    return _instance(extra_specs=specs, image_props=props)


def test_attack_tenant_image_cannot_set_audit_when_flavor_is_silent(drv):
    # a tenant uploads an image with vtpcm:policy=audit to boot measurement-denied code anyway
    assert drv._policy(_policy_instance(image_policy="audit")) == "deny"
    assert drv._policy(_policy_instance(image_policy="AUDIT ")) == "deny"


def test_attack_tenant_image_cannot_loosen_a_deny_flavor(drv):
    assert drv._policy(_policy_instance(flavor_policy="deny", image_policy="audit")) == "deny"


def test_image_may_tighten_an_audit_flavor(drv):
    assert drv._policy(_policy_instance(flavor_policy="audit", image_policy="deny")) == "deny"
    assert drv._policy(_policy_instance(flavor_policy="audit", image_policy="audit")) == "audit"
    assert drv._policy(_policy_instance(flavor_policy="audit")) == "audit"


def test_image_policy_reaches_the_manager_only_as_tightening(drv, log, ctx):
    inst = _instance(image_props={"vtpcm:enabled": "true", "vtpcm:policy": "audit"})
    with _parent("_get_guest_xml", log, ret=DOMAIN_XML):
        drv._get_guest_xml(ctx, inst, None, {}, None)
    assert log[1] == ("create_vtpcm", UUID, "instance-00000007", "deny", DOMAIN_XML)


def test_bad_policy_values_are_refused_wherever_they_come_from(drv):
    with pytest.raises(exception.InvalidInput):
        drv._policy(_policy_instance(flavor_policy="allow"))
    with pytest.raises(exception.InvalidInput):
        drv._policy(_policy_instance(flavor_policy="audit", image_policy="allow"))


# ---- spawn ----------------------------------------------------------------------------------

def test_guest_xml_goes_through_manager(drv, log, ctx):
    inst = _instance(extra_specs={"vtpcm:enabled": "true", "vtpcm:policy": "audit"})
    with _parent("_get_guest_xml", log, ret=DOMAIN_XML):
        xml = drv._get_guest_xml(ctx, inst, None, {}, None)
    assert "tpm-crb" in xml
    assert log[1] == ("create_vtpcm", UUID, "instance-00000007", "audit", DOMAIN_XML)


def _spawn_calls_get_guest_xml(self, context, instance, *a, **kw):
    return self._get_guest_xml(context, instance, None, {}, None)


def test_spawn_denied_fails_build_without_reschedule(drv, log, ctx):
    drv.vtpcm_client.fail["create_vtpcm"] = vc.VtpcmRefused(
        "kernel digest not in the reference values", status=403, code="ACTIVE_CONTROL_DENIED")
    inst = vtpcm_instance()
    with _parent("_get_guest_xml", log, ret=DOMAIN_XML), \
            _parent("spawn", log, effect=_spawn_calls_get_guest_xml):
        with pytest.raises(exception.BuildAbortException) as e:
            drv.spawn(ctx, inst, None, [], None, {})
    assert "measurement denied by the deny policy" in str(e.value)
    assert "kernel digest not in the reference values" in str(e.value)
    # nothing else asked of the services (the manager left nothing behind)
    assert [c[0] for c in log if not c[0].startswith("parent.")] == ["create_vtpcm"]
    assert getattr(drv._vtpcm_local, "spawning") is None


def test_spawn_manager_down_is_reschedulable(drv, log, ctx):
    drv.vtpcm_client.fail["create_vtpcm"] = vc.VtpcmUnavailable("down", code="UNREACHABLE")
    with _parent("_get_guest_xml", log, ret=DOMAIN_XML), \
            _parent("spawn", log, effect=_spawn_calls_get_guest_xml):
        with pytest.raises(exception.NovaException) as e:
            drv.spawn(ctx, vtpcm_instance(), None, [], None, {})
    assert not isinstance(e.value, exception.BuildAbortException)


def test_denied_outside_spawn_is_plain_error(drv, log, ctx):
    drv.vtpcm_client.fail["create_vtpcm"] = vc.VtpcmRefused("no", status=403,
                                                            code="ACTIVE_CONTROL_DENIED")
    with _parent("_get_guest_xml", log, ret=DOMAIN_XML):
        with pytest.raises(exception.NovaException) as e:
            drv._get_guest_xml(ctx, vtpcm_instance(), None, {}, None)  # e.g. hard reboot
    assert not isinstance(e.value, exception.BuildAbortException)


# ---- destination pre-check ------------------------------------------------------------------

def test_check_destination_begins_engine_migration(drv, log, ctx):
    inst = vtpcm_instance()
    with _parent("check_can_live_migrate_destination", log, ret="dest-data"):
        assert drv.check_can_live_migrate_destination(ctx, inst, {}, {}, True, False) \
            == "dest-data"
    assert log[0][0] == "parent.check_can_live_migrate_destination"
    assert log[1] == ("begin", UUID, "instance-00000007", "vtpcm-n1", "vtpcm-n2", "nova-mig-1",
                      False)


@pytest.mark.parametrize("native_tls", [True, False])
def test_check_destination_tells_the_engine_about_native_tls(drv, log, ctx, native_tls):
    # [libvirt] live_migration_with_native_tls: QEMU's stream (and the swtpm blobs in it) over TLS
    CONF.set_override("live_migration_with_native_tls", native_tls, group="libvirt")
    try:
        with _parent("check_can_live_migrate_destination", log, ret="d"):
            drv.check_can_live_migrate_destination(ctx, vtpcm_instance(), {}, {})
    finally:
        CONF.clear_override("live_migration_with_native_tls", group="libvirt")
    assert log[1][0] == "begin"
    assert log[1][-1] is native_tls


def test_check_destination_native_tls_refusal_is_precheck_error(drv, log, ctx):
    drv.vtpcm_client.fail["begin"] = vc.VtpcmRefused(
        "Nova mode needs [libvirt] live_migration_with_native_tls = True", status=409,
        code="NATIVE_TLS_REQUIRED")
    with _parent("check_can_live_migrate_destination", log, ret="d"), \
            _parent("cleanup_live_migration_destination_check", log):
        with pytest.raises(exception.MigrationPreCheckError) as e:
            drv.check_can_live_migrate_destination(ctx, vtpcm_instance(), {}, {})
    assert "NATIVE_TLS_REQUIRED" in str(e.value)
    assert "live_migration_with_native_tls" in str(e.value)


def test_check_destination_node_name_override(drv, log, ctx):
    CONF.set_override("node_name", "n2", group="vtpcm")
    with _parent("check_can_live_migrate_destination", log, ret="d"):
        drv.check_can_live_migrate_destination(ctx, vtpcm_instance(), {}, {})
    assert log[1][4] == "n2"


@pytest.mark.parametrize("code", ["UNTRUSTED", "NO_TARGET", "CONFLICT"])
def test_check_destination_refusal_is_precheck_error(drv, log, ctx, code):
    drv.vtpcm_client.fail["begin"] = vc.VtpcmRefused(
        "vtpcm-n2 failed attestation: PCR 12 differs", status=409, code=code)
    with _parent("check_can_live_migrate_destination", log, ret="dest-data"), \
            _parent("cleanup_live_migration_destination_check", log):
        with pytest.raises(exception.MigrationPreCheckError) as e:
            drv.check_can_live_migrate_destination(ctx, vtpcm_instance(), {}, {})
    assert "vtpcm-n2 failed attestation: PCR 12 differs" in str(e.value)
    assert code in str(e.value)
    # Nova skips its cleanup when the driver raises: we did it
    assert ("parent.cleanup_live_migration_destination_check", ctx, "dest-data") in log


# ---- pre_live_migration ---------------------------------------------------------------------

def test_pre_live_migration_prepares_then_parent(drv, log, ctx):
    with _parent("pre_live_migration", log, ret="md"):
        assert drv.pre_live_migration(ctx, vtpcm_instance(), None, [], None, "md-in") == "md"
    assert [c[0] for c in log] == ["prepare", "parent.pre_live_migration"]
    assert UUID in drv._vtpcm_incoming


def test_pre_live_migration_prepare_failure_aborts(drv, log, ctx):
    drv.vtpcm_client.fail["prepare"] = vc.VtpcmRefused("dest manager refused", status=409,
                                                       code="CONFLICT")
    with _parent("pre_live_migration", log, ret="md"):
        with pytest.raises(exception.MigrationError) as e:
            drv.pre_live_migration(ctx, vtpcm_instance(), None, [], None, "md-in")
    assert "dest manager refused" in str(e.value)
    assert [c[0] for c in log] == ["prepare", "abort"]
    assert UUID not in drv._vtpcm_incoming


def test_pre_live_migration_parent_failure_aborts(drv, log, ctx):
    def boom(self, *a, **kw):
        raise exception.VirtualInterfacePlugException("plug failed")
    with _parent("pre_live_migration", log, effect=boom):
        with pytest.raises(exception.VirtualInterfacePlugException):
            drv.pre_live_migration(ctx, vtpcm_instance(), None, [], None, "md-in")
    assert [c[0] for c in log] == ["prepare", "parent.pre_live_migration", "abort"]


# ---- live_migration (source) ----------------------------------------------------------------

def test_live_migration_sends_before_parent(drv, log, ctx):
    post, recover = mock.Mock(), mock.Mock()
    with _parent("live_migration", log, ret=None):
        drv.live_migration(ctx, vtpcm_instance(), "vtpcm-n2", post, recover, True, "md")
    assert [c[0] for c in log] == ["send", "parent.live_migration"]
    assert log[1][1:] == (ctx, mock.ANY, "vtpcm-n2", post, recover, True, "md")
    recover.assert_not_called()


def test_live_migration_send_failure_aborts_and_recovers(drv, log, ctx):
    drv.vtpcm_client.fail["send"] = vc.VtpcmUnavailable("destination manager unreachable",
                                                        status=502, code="DESTINATION_UNREACHABLE")
    recorded = []
    drv._record_failure = lambda context, instance, error: recorded.append(str(error))
    post, recover = mock.Mock(), mock.Mock()
    inst = vtpcm_instance()
    with _parent("live_migration", log):
        assert drv.live_migration(ctx, inst, "vtpcm-n2", post, recover, True, "md") is None
    assert [c[0] for c in log] == ["send", "abort"]          # parent never ran
    assert "destination manager unreachable" in log[1][2]
    recover.assert_called_once_with(ctx, inst, "vtpcm-n2", "md")
    post.assert_not_called()
    assert "destination manager unreachable" in recorded[0]


def test_live_migration_parent_failure_aborts_and_reraises(drv, log, ctx):
    def boom(self, *a, **kw):
        raise RuntimeError("libvirt exploded")
    with _parent("live_migration", log, effect=boom):
        with pytest.raises(RuntimeError):
            drv.live_migration(ctx, vtpcm_instance(), "vtpcm-n2", mock.Mock(), mock.Mock())
    assert [c[0] for c in log] == ["send", "parent.live_migration", "abort"]


def test_destination_tpm_socket_rewritten_in_migration_xml(drv, log, ctx):
    drv.vtpcm_client.answers["send"] = {"phase": "VM_MIGRATING",
                                        "destinationTpmSocket": "/run/vtpcm/n2/x.sock"}
    sent = {}

    class G:
        def migrate(self, destination, **kw):
            sent.update(kw)

    def parent_live(self, context, instance, dest, *a):
        self._live_migration_operation(context, instance, dest, False, "md", G(), [])

    def parent_op(self, context, instance, dest, bm, md, guest, names):
        guest.migrate("qemu+tcp://n2/system", destination_xml=(
            "<domain><devices><tpm model='tpm-crb'><backend type='external'>"
            "<source type='unix' mode='connect' path='/run/vtpcm/n1/x.sock'/></backend></tpm>"
            "</devices></domain>"), flags=1)

    with _parent("live_migration", log, effect=parent_live), \
            _parent("_live_migration_operation", log, effect=parent_op):
        drv.live_migration(ctx, vtpcm_instance(), "vtpcm-n2", mock.Mock(), mock.Mock())
    assert "/run/vtpcm/n2/x.sock" in sent["destination_xml"]
    assert "/run/vtpcm/n1/x.sock" not in sent["destination_xml"]
    assert drv._vtpcm_tpm_socket == {}


def test_rollback_at_source_aborts(drv, log, ctx):
    with _parent("rollback_live_migration_at_source", log):
        drv.rollback_live_migration_at_source(ctx, vtpcm_instance(), "md")
    assert [c[0] for c in log] == ["abort", "parent.rollback_live_migration_at_source"]


# ---- post_live_migration_at_destination: commit + quarantine ---------------------------------

def test_post_at_destination_quarantine_commit_then_links_up(drv, log, ctx):
    drv._vtpcm_incoming.add(UUID)
    with _parent("post_live_migration_at_destination", log):
        drv.post_live_migration_at_destination(ctx, vtpcm_instance(), [], False, None)
    assert [c[:3] for c in log] == [
        ("link", "fa:16:3e:00:00:01", "down"), ("link", "fa:16:3e:00:00:02", "down"),
        ("commit", UUID),
        ("link", "fa:16:3e:00:00:01", "up"), ("link", "fa:16:3e:00:00:02", "up"),
        ("parent.post_live_migration_at_destination", ctx, mock.ANY)]
    assert all(c[3] == 1 for c in log if c[0] == "link")  # VIR_DOMAIN_AFFECT_LIVE only
    assert UUID not in drv._vtpcm_incoming


def test_post_at_destination_state_mismatch_pauses_and_raises(drv, log, ctx):
    drv.vtpcm_client.fail["commit"] = vc.VtpcmRefused("digest left != digest arrived",
                                                      status=409, code="STATE_MISMATCH")
    with _parent("post_live_migration_at_destination", log):
        with pytest.raises(exception.MigrationError) as e:
            drv.post_live_migration_at_destination(ctx, vtpcm_instance(), [], False, None)
    assert "digest left != digest arrived" in str(e.value)
    assert drv.guest.paused
    names = [c[0] for c in log]
    assert "parent.post_live_migration_at_destination" not in names
    assert ("link", "fa:16:3e:00:00:01", "up", 1) not in log   # stays quarantined
    assert names[-1] == "pause"


def test_post_at_destination_without_quarantine(drv, log, ctx):
    CONF.set_override("quarantine", False, group="vtpcm")
    with _parent("post_live_migration_at_destination", log):
        drv.post_live_migration_at_destination(ctx, vtpcm_instance(), [], False, None)
    assert [c[0] for c in log] == ["commit", "parent.post_live_migration_at_destination"]


def test_post_at_destination_guest_without_nics(drv, log, ctx):
    drv._host = FakeHost(FakeGuest("<domain><devices/></domain>", log))
    with _parent("post_live_migration_at_destination", log):
        drv.post_live_migration_at_destination(ctx, vtpcm_instance(), [], False, None)
    assert [c[0] for c in log] == ["commit", "parent.post_live_migration_at_destination"]


def test_resume_event_quarantines_arriving_instance(drv, log):
    drv._vtpcm_incoming.add(UUID)
    event = virtevent.LifecycleEvent(UUID, virtevent.EVENT_LIFECYCLE_RESUMED)
    other = virtevent.LifecycleEvent(PLAIN_UUID, virtevent.EVENT_LIFECYCLE_RESUMED)
    with mock.patch.object(vdriver.utils, "spawn", side_effect=lambda f, *a: f(*a)), \
            _parent("emit_event", log):
        drv.emit_event(other)
        drv.emit_event(event)
    assert [c[:3] for c in log] == [
        ("parent.emit_event", other), ("link", "fa:16:3e:00:00:01", "down"),
        ("link", "fa:16:3e:00:00:02", "down"), ("parent.emit_event", event)]


# ---- rollback at destination, destroy, cleanup ----------------------------------------------

def test_rollback_at_destination_aborts_and_keeps_manager_out(drv, log, ctx):
    def parent_rollback(self, context, instance, *a, **kw):
        self.destroy(context, instance, [], None, True)   # what Zed's parent does
    drv._vtpcm_incoming.add(UUID)
    with _parent("rollback_live_migration_at_destination", log, effect=parent_rollback), \
            _parent("destroy", log):
        drv.rollback_live_migration_at_destination(ctx, vtpcm_instance(), [], None)
    names = [c[0] for c in log]
    assert names == ["abort", "parent.rollback_live_migration_at_destination",
                     "parent.destroy"]
    assert "destroy_vtpcm" not in names
    assert UUID not in drv._vtpcm_incoming


def test_destroy_calls_manager_after_parent(drv, log, ctx):
    def parent_destroy(self, context, instance, *a, **kw):
        self.cleanup(context, instance, [], None, True)   # what Zed's parent does
    with _parent("destroy", log, effect=parent_destroy), _parent("cleanup", log):
        drv.destroy(ctx, vtpcm_instance(), [])
    assert [c[0] for c in log] == ["parent.destroy", "parent.cleanup", "destroy_vtpcm"]


def test_destroy_manager_failure_is_logged_not_raised(drv, log, ctx):
    drv.vtpcm_client.fail["destroy_vtpcm"] = vc.VtpcmUnavailable("down")
    with _parent("destroy", log):
        drv.destroy(ctx, vtpcm_instance(), [])
    assert [c[0] for c in log] == ["parent.destroy", "destroy_vtpcm"]


def test_source_cleanup_after_live_migration_keeps_manager_out(drv, log, ctx):
    with _parent("cleanup", log):
        drv.cleanup(ctx, vtpcm_instance(), [], destroy_disks=False, migrate_data="md",
                    destroy_vifs=False)
        drv.cleanup(ctx, vtpcm_instance(), [], destroy_disks=True, migrate_data="md")
    assert [c[0] for c in log] == ["parent.cleanup", "parent.cleanup"]


def test_final_direct_cleanup_destroys_vtpcm(drv, log, ctx):
    with _parent("cleanup", log):
        drv.cleanup(ctx, vtpcm_instance(), [], destroy_disks=True, destroy_vifs=False)
    assert [c[0] for c in log] == ["parent.cleanup", "destroy_vtpcm"]


# ---- everything else goes to the parent unchanged --------------------------------------------

HOOKS = [
    ("_get_guest_xml", (None, {}, None), {"rescue": None}),
    ("spawn", (None, [], None, {}), {}),
    ("check_can_live_migrate_destination", ({}, {}), {"block_migration": True}),
    ("pre_live_migration", (None, [], None, "md"), {}),
    ("live_migration", ("vtpcm-n2", "post", "recover", True, "md"), {}),
    ("rollback_live_migration_at_source", ("md",), {}),
    ("post_live_migration_at_destination", ([], False, None), {}),
    ("rollback_live_migration_at_destination", ([], None), {"destroy_disks": True}),
    ("destroy", ([],), {"destroy_disks": True}),
    ("cleanup", ([],), {"destroy_disks": True}),
]


@pytest.mark.parametrize("name,args,kwargs", HOOKS, ids=[h[0] for h in HOOKS])
def test_plain_instance_goes_to_parent_untouched(drv, log, ctx, name, args, kwargs):
    inst = _instance(uuid=PLAIN_UUID, extra_specs={"hw:tpm_version": "2.0"})
    sentinel = object()
    with mock.patch.object(Parent, name, autospec=True, return_value=sentinel) as parent:
        assert getattr(drv, name)(ctx, inst, *args, **kwargs) is sentinel
    parent.assert_called_once()
    # same arguments as given (positional or keyword makes no difference)
    sig = inspect.signature(getattr(Parent, name))
    expected = sig.bind(drv, ctx, inst, *args, **kwargs)
    expected.apply_defaults()
    got = sig.bind(*parent.call_args.args, **parent.call_args.kwargs)
    got.apply_defaults()
    assert got.arguments == expected.arguments
    assert log == []                                   # no vtpcm call, no link change
    assert drv._vtpcm_incoming == set()


def test_record_failure_writes_fault_and_failed_event(drv, ctx):
    from nova.compute import utils as compute_utils
    inst = vtpcm_instance()
    error = exception.MigrationError(reason="engine down")
    with mock.patch.object(compute_utils, "add_instance_fault_from_exc") as fault, \
            mock.patch.object(objects.InstanceActionEvent, "event_start") as start, \
            mock.patch.object(objects.InstanceActionEvent, "event_finish_with_failure") as fin:
        drv._record_failure(ctx, inst, error)
    fault.assert_called_once_with(ctx, inst, error)
    start.assert_called_once()
    assert start.call_args.args[2] == "vtpcm_send_state"
    assert fin.call_args.kwargs["exc_val"] is error


def test_nova_migration_id_lookup(ctx):
    d = vdriver.VtpcmLibvirtDriver.__new__(vdriver.VtpcmLibvirtDriver)
    inst = vtpcm_instance()
    with mock.patch.object(objects.Migration, "get_by_instance_and_status",
                           return_value=mock.Mock(uuid="mig-uuid")) as get:
        assert d._nova_migration_id(ctx, inst) == "mig-uuid"
    get.assert_called_once_with(ctx, UUID, "accepted")
    with mock.patch.object(objects.Migration, "get_by_instance_and_status",
                           side_effect=exception.MigrationNotFoundByStatus(
                               instance_id=UUID, status="accepted")):
        assert d._nova_migration_id(ctx, inst) is None
