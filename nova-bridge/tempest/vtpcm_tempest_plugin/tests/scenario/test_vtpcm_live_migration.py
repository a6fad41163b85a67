"""Scenario: a plain Nova live migration of a vtpcm instance runs the vtpcm protocol.

Boots a server with the ``vtpcm`` flavor (extra spec ``vtpcm:enabled=true``), live-migrates it
with Nova (to an explicit host, then to one the scheduler picks), waits for it to be ACTIVE on
its new host and for Nova's migration record to be ``completed``, and asks the vtpcm migration
engine (``GET /v1/nova/instances/{uuid}/migration``, mutual TLS) whether that migration was
COMMITTED with equal state digests and a signed receipt (docs/nova-integration.md).
"""

import http.client
import json
import ssl
import urllib.parse

from oslo_log import log as logging
import testtools

from tempest.common import utils
from tempest.common import waiters
from tempest import config
from tempest.lib.common.utils import data_utils
from tempest.lib.common.utils import test_utils
from tempest.lib import decorators
from tempest.lib import exceptions as lib_exc
from tempest.scenario import manager

CONF = config.CONF
LOG = logging.getLogger(__name__)

# Nova migration statuses that end a live migration without success
FAILED_MIGRATION = ("error", "failed", "cancelled")


class EngineError(Exception):
    """The engine answered with an error status, or not at all."""

    def __init__(self, status, body):
        super().__init__("vtpcm engine: HTTP %s %s" % (status, body))
        self.status = status
        self.body = body


class EngineClient(object):
    """The few engine calls the test needs: HTTPS with a client certificate, stdlib only."""

    def __init__(self, url, ca_file, cert_file, key_file, timeout):
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme != "https" or not parsed.hostname:
            raise lib_exc.InvalidConfiguration(
                "[vtpcm] engine_url must be an https URL, got %r" % url)
        self.host = parsed.hostname
        self.port = parsed.port or 443
        self.timeout = timeout
        self.context = ssl.create_default_context(
            ssl.Purpose.SERVER_AUTH, cafile=ca_file)
        self.context.minimum_version = ssl.TLSVersion.TLSv1_3
        self.context.load_cert_chain(cert_file, key_file)

    def get(self, path):
        return self._request("GET", path)

    def post(self, path, body=None):
        return self._request("POST", path, body)

    def _request(self, method, path, body=None):
        connection = http.client.HTTPSConnection(
            self.host, self.port, context=self.context, timeout=self.timeout)
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as e:
            raise EngineError(None, "unreachable: %s" % e)
        finally:
            connection.close()
        if response.status != 200:
            raise EngineError(response.status, body)
        return json.loads(body)

    def instance_migration(self, instance_uuid):
        """The engine's newest record of the instance, with its receipt.

        The engine answers {"migration": {...}, "receipt": {...}} (the
        receipt once committed); the record is returned with the receipt in it.
        """
        answer = self.get("/v1/nova/instances/%s/migration"
                          % urllib.parse.quote(instance_uuid))
        record = dict(answer.get("migration") or {})
        if answer.get("receipt"):
            record["receipt"] = answer["receipt"]
        return record

    def receipt(self, migration_id):
        return self.get("/v1/migrations/%s/receipt"
                        % urllib.parse.quote(migration_id))

    def trust_host(self, name):
        """Records the host's measured platform as reference values (operator)."""
        return self.post("/v1/hosts/%s/trust" % urllib.parse.quote(name, safe=""))


class VtpcmLiveMigrationTest(manager.ScenarioTest):
    """Nova live migration of a vtpcm instance, checked in the engine."""

    # 2.30: live migration to a named host is checked by the scheduler;
    # 2.37: networks='none'; block_migration='auto' needs 2.25
    compute_min_microversion = "2.37"

    @classmethod
    def skip_checks(cls):
        super(VtpcmLiveMigrationTest, cls).skip_checks()
        if not CONF.service_available.vtpcm:
            raise cls.skipException("vtpcm is not available")
        if not CONF.compute_feature_enabled.live_migration:
            raise cls.skipException("live migration is not available")
        if CONF.compute.min_compute_nodes < 2:
            raise cls.skipException(
                "fewer than 2 compute nodes, no live migration to test")
        for option in ("ca_file", "cert_file", "key_file"):
            if not getattr(CONF.vtpcm, option):
                raise cls.skipException("[vtpcm] %s is not set" % option)

    @classmethod
    def setup_clients(cls):
        super(VtpcmLiveMigrationTest, cls).setup_clients()
        cls.admin_servers_client = cls.os_admin.servers_client
        cls.admin_migrations_client = cls.os_admin.migrations_client
        cls.admin_services_client = cls.os_admin.services_client
        cls.admin_flavors_client = cls.os_admin.flavors_client
        cls.engine = EngineClient(
            CONF.vtpcm.engine_url, CONF.vtpcm.ca_file, CONF.vtpcm.cert_file,
            CONF.vtpcm.key_file, CONF.vtpcm.engine_timeout)

    @classmethod
    def resource_setup(cls):
        super(VtpcmLiveMigrationTest, cls).resource_setup()
        flavors = cls.admin_flavors_client.list_flavors()["flavors"]
        matching = [f for f in flavors if f["name"] == CONF.vtpcm.flavor_name]
        if not matching:
            raise lib_exc.InvalidConfiguration(
                "no flavor named %r ([vtpcm] flavor_name)"
                % CONF.vtpcm.flavor_name)
        cls.vtpcm_flavor_id = matching[0]["id"]
        # Nova lets only admins boot a flavor with no root disk (the instance disk is then the image:
        # how the lab makes it measurable before the boot)
        flavor = cls.admin_flavors_client.show_flavor(cls.vtpcm_flavor_id)["flavor"]
        cls.vtpcm_flavor_zero_disk = flavor.get("disk") == 0
        specs = cls.admin_flavors_client.list_flavor_extra_specs(
            cls.vtpcm_flavor_id)["extra_specs"]
        if str(specs.get("vtpcm:enabled", "")).lower() != "true":
            raise lib_exc.InvalidConfiguration(
                "flavor %r lacks the extra spec vtpcm:enabled=true"
                % CONF.vtpcm.flavor_name)
        cls.vtpcm_image_id = cls._image_id()
        cls._trust_hosts(cls.engine)

    @staticmethod
    def _trust_hosts(engine):
        """[vtpcm] trust_hosts: compute hosts without an operator identity of their own cannot
        trust themselves when they deploy (DevStack subnodes); the operator does it here."""
        untrusted = CONF.vtpcm.untrusted_host
        for host in CONF.vtpcm.trust_hosts:
            if not host or host == untrusted:
                continue
            try:
                answer = engine.trust_host(host)
            except EngineError as e:
                raise lib_exc.InvalidConfiguration(
                    "the engine did not trust compute host %s ([vtpcm] trust_hosts): %s"
                    % (host, e))
            LOG.info("vtpcm: trusted %s (%s reference values added)", host,
                     (answer or {}).get("added"))

    @classmethod
    def _image_id(cls):
        if not CONF.vtpcm.image_name:
            return CONF.compute.image_ref
        images = cls.os_admin.image_client_v2.list_images(
            params={"name": CONF.vtpcm.image_name})["images"]
        if not images:
            raise lib_exc.InvalidConfiguration(
                "no image named %r ([vtpcm] image_name)"
                % CONF.vtpcm.image_name)
        return images[0]["id"]

    # helpers

    def _boot_vtpcm_server(self, client=None, **kwargs):
        if client is None:
            client = (self.admin_servers_client if self.vtpcm_flavor_zero_disk
                      else self.servers_client)
        name = data_utils.rand_name(name="vtpcm-server")
        server = client.create_server(
            name=name, imageRef=self.vtpcm_image_id,
            flavorRef=self.vtpcm_flavor_id, networks="none",
            **kwargs)["server"]
        self.addCleanup(waiters.wait_for_server_termination, client,
                        server["id"])
        self.addCleanup(test_utils.call_and_ignore_notfound_exc,
                        client.delete_server, server["id"])
        waiters.wait_for_server_status(client, server["id"], "ACTIVE")
        return server["id"]

    def _host_of(self, server_id):
        server = self.admin_servers_client.show_server(server_id)["server"]
        return server["OS-EXT-SRV-ATTR:host"]

    def _other_host(self, host):
        services = self.admin_services_client.list_services(
            binary="nova-compute")["services"]
        for service in services:
            if (service["host"] != host and service["state"] == "up" and
                    service["status"] == "enabled"):
                return service["host"]
        raise self.skipException("no other enabled compute host than %s"
                                 % host)

    def _live_migrations(self, server_id):
        migrations = self.admin_migrations_client.list_migrations()
        return [m for m in migrations["migrations"]
                if m["instance_uuid"] == server_id and
                m.get("migration_type", "live-migration") == "live-migration"]

    def _wait_for_migration(self, server_id, known_ids, statuses):
        """Waits for a new Nova migration of the server to reach a status."""
        found = {}

        def ended():
            for migration in self._live_migrations(server_id):
                if (migration["id"] not in known_ids and
                        migration["status"] in statuses):
                    found.update(migration)
                    return True
            return False

        if not test_utils.call_until_true(
                ended, CONF.vtpcm.migration_timeout,
                CONF.compute.build_interval):
            self.fail("no live migration of %s reached %s within %ss: %s"
                      % (server_id, statuses, CONF.vtpcm.migration_timeout,
                         self._live_migrations(server_id)))
        return found

    def _live_migrate(self, server_id, host):
        """Live-migrates with Nova, waits for ACTIVE and 'completed'."""
        source = self._host_of(server_id)
        known = {m["id"] for m in self._live_migrations(server_id)}
        LOG.info("live-migrating %s from %s to %s", server_id, source,
                 host or "a host the scheduler picks")
        self.admin_servers_client.live_migrate_server(
            server_id, host=host, block_migration="auto")
        migration = self._wait_for_migration(
            server_id, known, ("completed",) + FAILED_MIGRATION)
        self.assertEqual("completed", migration["status"],
                         "Nova's live migration of %s ended %s: %s"
                         % (server_id, migration["status"], migration))
        waiters.wait_for_server_status(
            self.admin_servers_client, server_id, "ACTIVE")
        destination = self._host_of(server_id)
        self.assertNotEqual(source, destination,
                            "the server did not leave %s" % source)
        if host is not None:
            self.assertEqual(host, destination)
        return source, destination

    def _assert_committed(self, server_id, source, destination):
        """The engine's record of the instance's migration: COMMITTED,
        equal digests, a signed receipt. Returns the record."""
        record = self.engine.instance_migration(server_id)
        LOG.info("vtpcm engine record of %s: %s", server_id, record)
        self.assertEqual(server_id, record.get("vmUuid", server_id))
        self.assertEqual("COMMITTED", record.get("phase"), record)
        self.assertIn(record.get("outcome"), (None, "COMMITTED"), record)
        self.assertEqual(source, record.get("source"), record)
        self.assertEqual(destination, record.get("destination"), record)
        left, arrived = record.get("digestLeft"), record.get("digestArrived")
        self.assertTrue(left, "no digest of the state that left: %s" % record)
        self.assertEqual(left, arrived,
                         "the vTPCM state that arrived is not the one that "
                         "left: %s" % record)
        receipt = record.get("receipt") or self.engine.receipt(record["id"])
        self.assertTrue(receipt.get("signature"), receipt)
        self.assertTrue(receipt.get("signingKey"), receipt)
        body = receipt.get("receipt", {})
        self.assertEqual(record["id"], body.get("migrationId"), receipt)
        self.assertEqual(left, body.get("digestLeft"), receipt)
        self.assertEqual(arrived, body.get("digestArrived"), receipt)
        return record

    # tests

    @decorators.idempotent_id("5f0a6a0e-8d0e-4d0b-9a77-3c2b7c4d9e11")
    @decorators.attr(type="slow")
    @utils.services("compute")
    def test_vtpcm_live_migration(self):
        """Live-migrate to a named host and back to a scheduler-picked one;
        the engine commits each with equal digests and a receipt."""
        server_id = self._boot_vtpcm_server()
        first_host = self._host_of(server_id)

        source, destination = self._live_migrate(
            server_id, self._other_host(first_host))
        first = self._assert_committed(server_id, source, destination)

        source, destination = self._live_migrate(server_id, None)
        second = self._assert_committed(server_id, source, destination)
        self.assertNotEqual(first["id"], second["id"],
                            "the engine shows no new migration")
        if first.get("epoch") is not None:
            self.assertGreater(second.get("epoch"), first["epoch"])

    @decorators.idempotent_id("b1d8e0c5-3f27-4a6e-8c1e-6e5a9f2d7c40")
    @decorators.attr(type=["negative", "slow"])
    @testtools.skipUnless(CONF.vtpcm.broken_attestation,
                          "needs a host whose attestation is broken "
                          "([vtpcm] broken_attestation, untrusted_host)")
    @utils.services("compute")
    def test_vtpcm_live_migration_to_untrusted_host_refused(self):
        """No proof, no state: a live migration to a host that fails
        attestation is refused; the server stays ACTIVE where it was."""
        untrusted = CONF.vtpcm.untrusted_host
        if not untrusted:
            raise self.skipException("[vtpcm] untrusted_host is not set")
        trusted = self._other_host(untrusted)
        # placed by the admin on a trusted host (availability zone:host)
        server_id = self._boot_vtpcm_server(
            client=self.admin_servers_client,
            availability_zone="%s:%s" % (CONF.compute.compute_volume_common_az
                                         or "nova", trusted))
        self.assertEqual(trusted, self._host_of(server_id))
        known = {m["id"] for m in self._live_migrations(server_id)}

        self.admin_servers_client.live_migrate_server(
            server_id, host=untrusted, block_migration="auto")
        migration = self._wait_for_migration(
            server_id, known, ("completed",) + FAILED_MIGRATION)
        self.assertIn(migration["status"], FAILED_MIGRATION,
                      "Nova migrated to the untrusted host: %s" % migration)
        waiters.wait_for_server_status(
            self.admin_servers_client, server_id, "ACTIVE")
        self.assertEqual(trusted, self._host_of(server_id))

        record = self.engine.instance_migration(server_id)
        self.assertIn(record.get("outcome") or record.get("phase"),
                      ("ROLLED_BACK", "FAILED"), record)
        self.assertNotEqual("COMMITTED", record.get("phase"), record)
