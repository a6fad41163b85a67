"""HTTPS client of the vtpcm engine (``/v1/nova/...``) and the local manager (``/v1/vms/...``).

Mutual TLS 1.3 only (the servers accept nothing older), the server verified against the cloud CA
with hostname checking, a client certificate + key (PEM) read from disk at every call (they may
appear after nova-compute started). JSON in and out. Errors ``{"code", "message", "details"}``:

- 4xx -> :class:`VtpcmRefused` (``status``, ``code``, ``message``, ``details``)
- 5xx, connection refused/reset, TLS failure, timeout, unreadable TLS files ->
  :class:`VtpcmUnavailable`

Logs hold method, path, status and time only: never bodies, keys or certificates.
"""

import http.client
import json
import logging
import socket
import ssl
import time
import urllib.parse

LOG = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 8 * 1024 * 1024


class VtpcmError(Exception):
    """Any failure talking to the engine or the manager."""

    def __init__(self, message, status=None, code=None, details=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.details = details

    def __str__(self):
        if self.code:
            return "%s: %s" % (self.code, self.message)
        return self.message


class VtpcmRefused(VtpcmError):
    """The service answered 4xx: it understood and said no."""


class VtpcmUnavailable(VtpcmError):
    """The service could not be reached or failed (5xx, network, TLS, timeout)."""


def _q(value):
    if not value or not isinstance(value, str):
        raise ValueError("an instance uuid is required")
    return urllib.parse.quote(value, safe="")


class _Endpoint:
    def __init__(self, url, what):
        if not url:
            raise VtpcmUnavailable("[vtpcm] %s_url is not configured" % what, code="NOT_CONFIGURED")
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise VtpcmUnavailable("[vtpcm] %s_url must be https://host:port, not %r" % (what, url),
                                   code="NOT_CONFIGURED")
        self.what = what
        self.host = parts.hostname
        self.port = parts.port or 443
        self.prefix = parts.path.rstrip("/")


class _Connection(http.client.HTTPSConnection):
    """HTTPSConnection with separate connect (TCP + TLS handshake) and read timeouts."""

    def __init__(self, host, port, context, connect_timeout, read_timeout):
        super().__init__(host, port, timeout=read_timeout, context=context)
        self._connect_timeout = connect_timeout
        self._tls_context = context

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self._connect_timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock = self._tls_context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        sock.settimeout(self.timeout)
        self.sock = sock


class VtpcmClient:
    """One client for both services; cheap to build, holds no connection between calls."""

    def __init__(self, engine_url=None, manager_url=None, ca_file=None, cert_file=None,
                 key_file=None, timeout=120.0, connect_timeout=10.0):
        self.engine_url = engine_url
        self.manager_url = manager_url
        self.ca_file = ca_file
        self.cert_file = cert_file
        self.key_file = key_file
        self.timeout = timeout
        self.connect_timeout = connect_timeout

    @classmethod
    def from_conf(cls, conf):
        group = conf.vtpcm
        return cls(engine_url=group.engine_url, manager_url=group.manager_url,
                   ca_file=group.ca_file, cert_file=group.cert_file, key_file=group.key_file,
                   timeout=group.timeout, connect_timeout=group.connect_timeout)

    # ---- manager ------------------------------------------------------------------------------

    def create_vtpcm(self, vm_uuid, vm_name, policy, domain_xml):
        """POST /v1/vms/{uuid}/vtpcm -> (vtpcm_id, decision, domain_xml with the <tpm> device)."""
        body = self._call(self.manager_url, "manager", "POST", "/v1/vms/%s/vtpcm" % _q(vm_uuid),
                          {"vmName": vm_name, "policy": policy, "domainXml": domain_xml})
        try:
            return body["vtpcmId"], body.get("decision"), body["domainXml"]
        except (KeyError, TypeError):
            raise VtpcmUnavailable("the manager's answer lacks vtpcmId or domainXml",
                                   code="BAD_ANSWER")

    def destroy_vtpcm(self, vm_uuid):
        """DELETE /v1/vms/{uuid}; True if destroyed, False if the manager has none (404)."""
        try:
            self._call(self.manager_url, "manager", "DELETE", "/v1/vms/%s" % _q(vm_uuid))
        except VtpcmRefused as e:
            if e.status == 404:
                return False
            raise
        return True

    # ---- engine -------------------------------------------------------------------------------

    def begin(self, instance_uuid, vm_name, source, destination, nova_migration_id=None,
              native_tls=False):
        """POST /v1/nova/live-migrations. ``nativeTls`` tells the engine whether Nova runs QEMU's
        migration stream (RAM, device state, swtpm blobs) over TLS ([libvirt]
        live_migration_with_native_tls); the engine refuses Nova-mode migrations without it
        (409 NATIVE_TLS_REQUIRED) unless it allows plaintext."""
        body = {"instanceUuid": instance_uuid, "vmName": vm_name, "source": source,
                "destination": destination, "nativeTls": bool(native_tls)}
        if nova_migration_id:
            body["novaMigrationId"] = nova_migration_id
        return self._call(self.engine_url, "engine", "POST", "/v1/nova/live-migrations", body)

    def prepare(self, instance_uuid):
        return self._phase(instance_uuid, "prepare")

    def send(self, instance_uuid):
        return self._phase(instance_uuid, "send")

    def commit(self, instance_uuid):
        return self._phase(instance_uuid, "commit")

    def abort(self, instance_uuid, reason):
        return self._call(self.engine_url, "engine", "POST",
                          "/v1/nova/instances/%s/abort" % _q(instance_uuid),
                          {"reason": str(reason or "aborted by nova-compute")[:1000]})

    def status(self, instance_uuid):
        return self._call(self.engine_url, "engine", "GET",
                          "/v1/nova/instances/%s/migration" % _q(instance_uuid))

    def _phase(self, instance_uuid, phase):
        return self._call(self.engine_url, "engine", "POST",
                          "/v1/nova/instances/%s/%s" % (_q(instance_uuid), phase), {})

    # ---- transport ----------------------------------------------------------------------------

    def _tls_context(self):
        for option, path in (("ca_file", self.ca_file), ("cert_file", self.cert_file),
                             ("key_file", self.key_file)):
            if not path:
                raise VtpcmUnavailable("[vtpcm] %s is not configured" % option,
                                       code="NOT_CONFIGURED")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        context.check_hostname = True
        context.verify_mode = ssl.CERT_REQUIRED
        try:
            context.load_verify_locations(cafile=self.ca_file)
            context.load_cert_chain(self.cert_file, self.key_file)
        except (OSError, ssl.SSLError) as e:
            # the message names the file, never its content
            raise VtpcmUnavailable("cannot load the TLS files (ca %s, cert %s, key %s): %s"
                                   % (self.ca_file, self.cert_file, self.key_file,
                                      getattr(e, "strerror", None) or e.__class__.__name__),
                                   code="TLS_FILES")
        return context

    def _call(self, url, what, method, path, payload=None):
        endpoint = _Endpoint(url, what)
        context = self._tls_context()
        full_path = endpoint.prefix + path
        data = None
        headers = {"Accept": "application/json", "Connection": "close"}
        if payload is not None:
            data = json.dumps(payload).encode("utf-8")
            headers["Content-Type"] = "application/json"
        started = time.monotonic()
        conn = _Connection(endpoint.host, endpoint.port, context, self.connect_timeout,
                           self.timeout)
        try:
            conn.request(method, full_path, body=data, headers=headers)
            response = conn.getresponse()
            raw = response.read(MAX_RESPONSE_BYTES + 1)
            status = response.status
        except (socket.timeout, TimeoutError) as e:
            LOG.warning("vtpcm %s %s %s: timed out after %.1f s", what, method, full_path,
                        time.monotonic() - started)
            raise VtpcmUnavailable("%s %s:%s timed out (%s %s)" % (what, endpoint.host,
                                   endpoint.port, method, full_path), code="TIMEOUT") from e
        except ssl.SSLError as e:
            LOG.warning("vtpcm %s %s %s: TLS failure %s", what, method, full_path, e.reason)
            raise VtpcmUnavailable("TLS with the %s at %s:%s failed: %s" % (
                what, endpoint.host, endpoint.port, e.reason or e.__class__.__name__),
                code="TLS") from e
        except (OSError, http.client.HTTPException) as e:
            LOG.warning("vtpcm %s %s %s: %s", what, method, full_path, e.__class__.__name__)
            raise VtpcmUnavailable("cannot reach the %s at %s:%s: %s" % (
                what, endpoint.host, endpoint.port, getattr(e, "strerror", None) or
                e.__class__.__name__), code="UNREACHABLE") from e
        finally:
            conn.close()
        LOG.info("vtpcm %s %s %s -> %s (%.0f ms)", what, method, full_path, status,
                 (time.monotonic() - started) * 1000)
        if len(raw) > MAX_RESPONSE_BYTES:
            raise VtpcmUnavailable("the %s's answer is too large" % what, status=status,
                                   code="BAD_ANSWER")
        body = None
        if raw:
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError:
                body = None
        if 200 <= status < 300:
            if raw and body is None:
                raise VtpcmUnavailable("the %s answered %s with a body that is not JSON"
                                       % (what, status), status=status, code="BAD_ANSWER")
            return body if body is not None else {}
        code, message, details = None, None, None
        if isinstance(body, dict):
            code, message, details = body.get("code"), body.get("message"), body.get("details")
        code = code or "HTTP_%d" % status
        message = message or "the %s answered HTTP %d" % (what, status)
        error = VtpcmRefused if 400 <= status < 500 else VtpcmUnavailable
        raise error(message, status=status, code=code, details=details)
