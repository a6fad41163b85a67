"""``VtpcmLibvirtDriver``: Nova's libvirt driver plus the vtpcm hooks of docs/nova-integration.md.

nova.conf: ``[DEFAULT] compute_driver = vtpcm_nova.driver.VtpcmLibvirtDriver`` with nova-compute
started by ``bin/vtpcm-nova-compute`` (which makes this package ``nova.virt.vtpcm_nova``).

Only instances whose flavor extra specs or image properties carry ``vtpcm:enabled=true`` are
touched; every call for any other instance goes to ``LibvirtDriver`` unchanged.
"""

import functools
import threading

from oslo_log import log as logging
from oslo_utils import excutils
from oslo_utils import strutils

import nova.conf
from nova.compute import utils as compute_utils
from nova import exception
from nova import objects
from nova import utils
from nova.virt import event as virtevent
from nova.virt.libvirt import driver as libvirt_driver
from nova.virt.libvirt import utils as libvirt_utils

from . import client as vtpcm_client
from . import conf as vtpcm_conf
from . import quarantine

CONF = nova.conf.CONF
vtpcm_conf.register_opts(CONF)

LOG = logging.getLogger(__name__)

# strictest first: an image property may move a policy towards the front only
POLICIES = ("deny", "audit")


class VtpcmLibvirtDriver(libvirt_driver.LibvirtDriver):
    """LibvirtDriver that runs the vtpcm protocol for vtpcm instances."""

    def __init__(self, virtapi, read_only=False):
        super().__init__(virtapi, read_only)
        self._vtpcm_init()

    def _vtpcm_init(self):
        # tests build the driver without LibvirtDriver.__init__ and call this
        self._vtpcm_client_override = None
        self._vtpcm_local = threading.local()  # green-thread local under eventlet
        self._vtpcm_incoming = set()        # dest: instances between prepare and commit
        self._vtpcm_tpm_socket = {}         # source: dest TPM socket announced by send()

    # ---- helpers ------------------------------------------------------------------------------

    @property
    def vtpcm_client(self):
        if self._vtpcm_client_override is not None:
            return self._vtpcm_client_override
        return vtpcm_client.VtpcmClient.from_conf(CONF)

    @vtpcm_client.setter
    def vtpcm_client(self, value):
        self._vtpcm_client_override = value

    @staticmethod
    def _spec(instance, key):
        """Flavor extra spec, else image property (kept by Nova as system_metadata image_<key>)."""
        value = None
        try:
            flavor = instance.flavor
            if flavor is not None and flavor.extra_specs:
                value = flavor.extra_specs.get(key)
        except Exception:  # flavor not loadable: fall back to the image
            value = None
        if value is None:
            try:
                value = (instance.system_metadata or {}).get("image_" + key)
            except Exception:
                value = None
        return value

    def is_vtpcm_instance(self, instance):
        return strutils.bool_from_string(self._spec(instance, CONF.vtpcm.enabled_spec),
                                         default=False)

    @staticmethod
    def _policy_value(value, origin):
        policy = str(value).strip().lower()
        if policy not in POLICIES:
            raise exception.InvalidInput(reason="%s %s=%r is not one of deny, audit"
                                         % (origin, CONF.vtpcm.policy_spec, value))
        return policy

    def _policy(self, instance):
        """The measurement policy: the flavor's extra spec decides (deny when it says nothing).

        Images belong to tenants, so an image property may only tighten it (audit -> deny),
        never loosen it: an image's ``audit`` is ignored.
        """
        key = CONF.vtpcm.policy_spec
        flavor_value = None
        try:
            flavor = instance.flavor
            if flavor is not None and flavor.extra_specs:
                flavor_value = flavor.extra_specs.get(key)
        except Exception:  # flavor not loadable: nothing loosens the default
            flavor_value = None
        try:
            image_value = (instance.system_metadata or {}).get("image_" + key)
        except Exception:
            image_value = None
        policy = "deny" if flavor_value is None else self._policy_value(flavor_value, "flavor")
        if image_value is not None:
            asked = self._policy_value(image_value, "image")
            if POLICIES.index(asked) < POLICIES.index(policy):
                policy = asked
            elif asked != policy:
                LOG.warning("vtpcm: image property %s=%s ignored: only the flavor may loosen "
                            "the policy (%s)", key, asked, policy, instance=instance)
        return policy

    @staticmethod
    def _log_hook(hook, instance, extra=""):
        LOG.info("vtpcm %s instance %s%s", hook, instance.uuid, extra, instance=instance)

    def _abort_quietly(self, instance, reason):
        try:
            self.vtpcm_client.abort(instance.uuid, reason)
        except vtpcm_client.VtpcmError as e:
            LOG.warning("vtpcm abort of instance %s not done: %s", instance.uuid, e,
                        instance=instance)

    def _nova_migration_id(self, context, instance):
        """Uuid of Nova's live-migration record (status 'accepted' during the pre-checks)."""
        try:
            migration = objects.Migration.get_by_instance_and_status(
                context, instance.uuid, "accepted")
            return migration.uuid
        except Exception:
            return None

    # ---- spawn (and every other path that builds the guest XML) -------------------------------

    def spawn(self, context, instance, image_meta, injected_files, admin_password, allocations,
              network_info=None, block_device_info=None, power_on=True, accel_info=None):
        if self.is_vtpcm_instance(instance):
            self._log_hook("spawn", instance)
            self._vtpcm_local.spawning = instance.uuid
        try:
            return super().spawn(context, instance, image_meta, injected_files, admin_password,
                                 allocations, network_info=network_info,
                                 block_device_info=block_device_info, power_on=power_on,
                                 accel_info=accel_info)
        finally:
            self._vtpcm_local.spawning = None

    def _get_guest_xml(self, context, instance, network_info, disk_info, image_meta,
                       rescue=None, block_device_info=None, mdevs=None, accel_info=None):
        xml = super()._get_guest_xml(context, instance, network_info, disk_info, image_meta,
                                     rescue=rescue, block_device_info=block_device_info,
                                     mdevs=mdevs, accel_info=accel_info)
        if not self.is_vtpcm_instance(instance):
            return xml
        spawning = getattr(self._vtpcm_local, "spawning", None) == instance.uuid
        policy = None
        try:
            policy = self._policy(instance)
            vtpcm_id, decision, patched = self.vtpcm_client.create_vtpcm(
                instance.uuid, instance.name, policy, xml)
        except (vtpcm_client.VtpcmError, exception.InvalidInput) as e:
            if isinstance(e, vtpcm_client.VtpcmRefused) and e.code == "ACTIVE_CONTROL_DENIED":
                reason = "vTPCM measurement denied by the %s policy: %s" % (policy, e.message)
            elif isinstance(e, vtpcm_client.VtpcmError):
                reason = "vTPCM manager: %s" % e
            else:
                reason = e.format_message()
            LOG.error("vtpcm create_vtpcm for instance %s failed: %s", instance.uuid, reason,
                      instance=instance)
            if spawning and not isinstance(e, vtpcm_client.VtpcmUnavailable):
                # refused: no reschedule; Nova's build cleanup removes disks and the domain
                raise exception.BuildAbortException(instance_uuid=instance.uuid, reason=reason)
            raise exception.NovaException(message=reason)
        LOG.info("vtpcm create_vtpcm instance %s: vtpcm %s decision %s", instance.uuid,
                 vtpcm_id, decision, instance=instance)
        return patched

    # ---- live migration: destination pre-check -----------------------------------------------

    def check_can_live_migrate_destination(self, context, instance, src_compute_info,
                                           dst_compute_info, block_migration=False,
                                           disk_over_commit=False):
        data = super().check_can_live_migrate_destination(
            context, instance, src_compute_info, dst_compute_info,
            block_migration=block_migration, disk_over_commit=disk_over_commit)
        if not self.is_vtpcm_instance(instance):
            return data
        source = instance.host
        destination = vtpcm_conf.node_name(CONF)
        self._log_hook("check_can_live_migrate_destination", instance,
                       " %s -> %s" % (source, destination))
        try:
            answer = self.vtpcm_client.begin(
                instance.uuid, instance.name, source, destination,
                self._nova_migration_id(context, instance),
                native_tls=bool(CONF.libvirt.live_migration_with_native_tls))
        except vtpcm_client.VtpcmError as e:
            # Nova calls cleanup_live_migration_destination_check only when we return
            try:
                self.cleanup_live_migration_destination_check(context, data)
            except Exception:
                LOG.warning("cleanup of the destination check failed", instance=instance)
            kind = "refused" if isinstance(e, vtpcm_client.VtpcmRefused) else "unavailable"
            raise exception.MigrationPreCheckError(
                reason="vtpcm engine %s the migration to %s: %s" % (kind, destination, e))
        record = (answer or {}).get("migration") or {}
        LOG.info("vtpcm migration %s of instance %s at %s", record.get("id"),
                 instance.uuid, record.get("phase"), instance=instance)
        return data

    # ---- destination: before the VM moves -----------------------------------------------------

    def pre_live_migration(self, context, instance, block_device_info, network_info, disk_info,
                           migrate_data):
        if not self.is_vtpcm_instance(instance):
            return super().pre_live_migration(context, instance, block_device_info,
                                              network_info, disk_info, migrate_data)
        self._log_hook("pre_live_migration", instance)
        try:
            self.vtpcm_client.prepare(instance.uuid)
        except vtpcm_client.VtpcmError as e:
            self._abort_quietly(instance, "prepare failed at %s: %s"
                                % (vtpcm_conf.node_name(CONF), e))
            raise exception.MigrationError(reason="vtpcm engine prepare failed: %s" % e)
        self._vtpcm_incoming.add(instance.uuid)
        try:
            return super().pre_live_migration(context, instance, block_device_info,
                                              network_info, disk_info, migrate_data)
        except Exception as e:
            with excutils.save_and_reraise_exception():
                self._vtpcm_incoming.discard(instance.uuid)
                self._abort_quietly(instance, "pre_live_migration failed at %s: %s"
                                    % (vtpcm_conf.node_name(CONF), e))

    # ---- source: the move ---------------------------------------------------------------------

    def live_migration(self, context, instance, dest, post_method, recover_method,
                       block_migration=False, migrate_data=None):
        if not self.is_vtpcm_instance(instance) or not libvirt_utils.is_valid_hostname(dest):
            return super().live_migration(context, instance, dest, post_method, recover_method,
                                          block_migration, migrate_data)
        self._log_hook("live_migration", instance, " -> %s" % dest)
        try:
            answer = self.vtpcm_client.send(instance.uuid)
        except vtpcm_client.VtpcmError as e:
            reason = "vtpcm engine could not send the TPCM state to %s: %s" % (dest, e)
            LOG.error("vtpcm live_migration instance %s: %s; rolling back", instance.uuid,
                      reason, instance=instance)
            self._abort_quietly(instance, reason)
            self._record_failure(context, instance, exception.MigrationError(reason=reason))
            # like LibvirtDriver._live_migration_monitor on a failed job: Nova's rollback
            # (allocations, destination cleanup, task_state None, migration 'failed'); the
            # instance stays ACTIVE on the source. Raising instead would put it in ERROR.
            recover_method(context, instance, dest, migrate_data)
            return None
        socket_path = (answer or {}).get("destinationTpmSocket")
        if socket_path:
            self._vtpcm_tpm_socket[instance.uuid] = socket_path
        try:
            return super().live_migration(context, instance, dest, post_method, recover_method,
                                          block_migration, migrate_data)
        except Exception as e:
            with excutils.save_and_reraise_exception():
                self._abort_quietly(instance, "libvirt live migration failed: %s" % e)
        finally:
            self._vtpcm_tpm_socket.pop(instance.uuid, None)

    def _live_migration_operation(self, context, instance, dest, block_migration, migrate_data,
                                  guest, device_names):
        socket_path = self._vtpcm_tpm_socket.get(instance.uuid)
        if socket_path:
            guest = _DestinationXmlGuest(
                guest, functools.partial(quarantine.rewrite_tpm_socket, socket_path=socket_path))
        return super()._live_migration_operation(context, instance, dest, block_migration,
                                                 migrate_data, guest, device_names)

    def _record_failure(self, context, instance, error):
        """The reason as instance fault and as a failed instance-action event."""
        try:
            compute_utils.add_instance_fault_from_exc(context, instance, error)
        except Exception:
            LOG.warning("could not record the instance fault", instance=instance)
        try:
            with compute_utils.EventReporter(context, "vtpcm_send_state", CONF.host,
                                             instance.uuid, graceful_exit=True):
                raise error
        except Exception:
            pass

    def rollback_live_migration_at_source(self, context, instance, migrate_data):
        if self.is_vtpcm_instance(instance):
            # covers setups where Nova skips rollback_live_migration_at_destination
            # (shared instance path); the engine treats a repeated abort as done
            self._log_hook("rollback_live_migration_at_source", instance)
            self._abort_quietly(instance, "nova rolled back the live migration at the source")
        return super().rollback_live_migration_at_source(context, instance, migrate_data)

    # ---- destination: after the VM moved ------------------------------------------------------

    def emit_event(self, event):
        # the earliest moment the arriving guest runs here: quarantine it right away
        try:
            if (isinstance(event, virtevent.LifecycleEvent)
                    and event.transition == virtevent.EVENT_LIFECYCLE_RESUMED
                    and event.uuid in self._vtpcm_incoming and CONF.vtpcm.quarantine):
                utils.spawn(self._quarantine_by_uuid, event.uuid)
        except Exception:
            LOG.exception("vtpcm quarantine on event failed")
        return super().emit_event(event)

    def _quarantine_by_uuid(self, instance_uuid):
        if instance_uuid not in self._vtpcm_incoming:  # commit already done
            return
        try:
            guest = self._host.get_guest(objects.Instance(uuid=instance_uuid))
            changed = quarantine.set_link_state(guest, "down")
            LOG.info("vtpcm quarantine instance %s: link down on %d interface(s) at resume",
                     instance_uuid, len(changed))
        except Exception as e:
            LOG.warning("vtpcm quarantine of instance %s at resume failed: %s", instance_uuid, e)

    def post_live_migration_at_destination(self, context, instance, network_info,
                                           block_migration=False, block_device_info=None):
        if not self.is_vtpcm_instance(instance):
            return super().post_live_migration_at_destination(
                context, instance, network_info, block_migration, block_device_info)
        self._log_hook("post_live_migration_at_destination", instance)
        guest = None
        if CONF.vtpcm.quarantine:
            guest = self._host.get_guest(instance)
            changed = quarantine.set_link_state(guest, "down")
            LOG.info("vtpcm quarantine instance %s: %d more interface(s) link-down before commit",
                     instance.uuid, len(changed), instance=instance)
        try:
            answer = self.vtpcm_client.commit(instance.uuid)
        except vtpcm_client.VtpcmError as e:
            if isinstance(e, vtpcm_client.VtpcmRefused) and e.code == "STATE_MISMATCH":
                try:
                    (guest or self._host.get_guest(instance)).pause()
                except Exception as pe:
                    LOG.error("vtpcm could not pause instance %s: %s", instance.uuid, pe,
                              instance=instance)
                reason = ("vtpcm state digests differ at %s; the instance is paused and "
                          "quarantined: %s" % (vtpcm_conf.node_name(CONF), e.message))
            else:
                reason = ("vtpcm commit at %s failed; the instance stays quarantined: %s"
                          % (vtpcm_conf.node_name(CONF), e))
            LOG.error("vtpcm post_live_migration_at_destination instance %s: %s",
                      instance.uuid, reason, instance=instance)
            raise exception.MigrationError(reason=reason)
        finally:
            self._vtpcm_incoming.discard(instance.uuid)
        record = (answer or {}).get("migration") or {}
        LOG.info("vtpcm commit instance %s: phase %s epoch %s", instance.uuid,
                 record.get("phase"), record.get("epoch"), instance=instance)
        if CONF.vtpcm.quarantine:
            changed = quarantine.set_link_state(guest, "up")
            LOG.info("vtpcm quarantine instance %s lifted: link up on %d interface(s)",
                     instance.uuid, len(changed), instance=instance)
        # the parent re-attaches SR-IOV VIFs and announces the guest (needs the links up)
        return super().post_live_migration_at_destination(
            context, instance, network_info, block_migration, block_device_info)

    def rollback_live_migration_at_destination(self, context, instance, network_info,
                                               block_device_info, destroy_disks=True,
                                               migrate_data=None):
        if not self.is_vtpcm_instance(instance):
            return super().rollback_live_migration_at_destination(
                context, instance, network_info, block_device_info,
                destroy_disks=destroy_disks, migrate_data=migrate_data)
        self._log_hook("rollback_live_migration_at_destination", instance)
        self._vtpcm_incoming.discard(instance.uuid)
        self._abort_quietly(instance, "nova rolled back the live migration to %s"
                            % vtpcm_conf.node_name(CONF))
        # the parent calls self.destroy(): that is not the instance's home, the engine's abort
        # already removed the incoming vTPCM, so destroy() must not call the manager
        self._vtpcm_local.no_destroy = instance.uuid
        try:
            return super().rollback_live_migration_at_destination(
                context, instance, network_info, block_device_info,
                destroy_disks=destroy_disks, migrate_data=migrate_data)
        finally:
            self._vtpcm_local.no_destroy = None

    # ---- destroy / cleanup where the instance lives -------------------------------------------

    def destroy(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True, destroy_secrets=True):
        vtpcm = self.is_vtpcm_instance(instance)
        depth = getattr(self._vtpcm_local, "destroy_depth", 0)
        self._vtpcm_local.destroy_depth = depth + 1
        try:
            result = super().destroy(context, instance, network_info,
                                     block_device_info=block_device_info,
                                     destroy_disks=destroy_disks,
                                     destroy_secrets=destroy_secrets)
        finally:
            self._vtpcm_local.destroy_depth = depth
        if vtpcm and depth == 0:
            if getattr(self._vtpcm_local, "no_destroy", None) == instance.uuid:
                self._log_hook("destroy", instance, " (migration rollback: vTPCM left to the "
                               "engine)")
            else:
                self._destroy_vtpcm(instance, "destroy")
        return result

    def cleanup(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True, migrate_data=None, destroy_vifs=True,
                destroy_secrets=True):
        result = super().cleanup(context, instance, network_info,
                                 block_device_info=block_device_info,
                                 destroy_disks=destroy_disks, migrate_data=migrate_data,
                                 destroy_vifs=destroy_vifs, destroy_secrets=destroy_secrets)
        # a direct cleanup (not from destroy): only a final one with disks and no migrate_data
        # (e.g. confirm of a snapshot-based resize). The source cleanup after a live migration
        # carries migrate_data: the engine's commit already erased the source vTPCM.
        if (getattr(self._vtpcm_local, "destroy_depth", 0) == 0 and migrate_data is None
                and destroy_disks and self.is_vtpcm_instance(instance)):
            self._destroy_vtpcm(instance, "cleanup")
        return result

    def _destroy_vtpcm(self, instance, hook):
        try:
            existed = self.vtpcm_client.destroy_vtpcm(instance.uuid)
            self._log_hook(hook, instance, " vTPCM %s" % ("destroyed" if existed else "absent"))
        except vtpcm_client.VtpcmError as e:
            # the guest is gone already; the manager's reconciliation flags the leftover
            LOG.error("vtpcm %s instance %s: manager destroy failed: %s", hook, instance.uuid,
                      e, instance=instance)


class _DestinationXmlGuest:
    """Wraps a libvirt Guest so that migrate() sends a rewritten destination XML."""

    def __init__(self, guest, rewrite):
        self._guest = guest
        self._rewrite = rewrite

    def __getattr__(self, name):
        return getattr(self._guest, name)

    def migrate(self, destination, migrate_uri=None, migrate_disks=None, destination_xml=None,
                flags=0, bandwidth=0):
        if destination_xml:
            destination_xml = self._rewrite(destination_xml)
        return self._guest.migrate(destination, migrate_uri=migrate_uri,
                                   migrate_disks=migrate_disks, destination_xml=destination_xml,
                                   flags=flags, bandwidth=bandwidth)
