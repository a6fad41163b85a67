"""VtpcmClient against a real local mutual-TLS 1.3 server (http.server + ssl in a thread)."""

import http.server
import json
import logging
import shutil
import socket
import ssl
import threading
import time

import pytest

from vtpcm_nova import client as vc


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        server = self.server
        cert = self.connection.getpeercert()
        cn = dict(x[0] for x in cert["subject"])["commonName"] if cert else None
        server.seen.append({"method": self.command, "path": self.path,
                            "body": json.loads(raw) if raw else None, "cn": cn,
                            "tls": self.connection.version(),
                            "ctype": self.headers.get("Content-Type")})
        status, body, delay = server.routes.get((self.command, self.path),
                                                (404, {"code": "NOT_FOUND", "message": "no"}, 0))
        if delay:
            time.sleep(delay)
        data = b"" if body is None else (body if isinstance(body, bytes)
                                         else json.dumps(body).encode())
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = _handle


class _TlsServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, pki):
        super().__init__(("127.0.0.1", 0), _Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(pki["ca-cert.pem"])
        ctx.load_cert_chain(pki["server-cert.pem"], pki["server-key.pem"])
        self.ctx = ctx
        self.routes = {}
        self.seen = []

    def get_request(self):
        sock, addr = self.socket.accept()
        sock.settimeout(5)
        return self.ctx.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def finish_request(self, request, client_address):
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError):
            return  # the client's certificate was refused
        super().finish_request(request, client_address)


@pytest.fixture
def server(pki):
    srv = _TlsServer(pki)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _client(pki, server, **kw):
    url = "https://127.0.0.1:%d" % server.server_address[1]
    args = dict(engine_url=url, manager_url=url, ca_file=pki["ca-cert.pem"],
                cert_file=pki["client-cert.pem"], key_file=pki["client-key.pem"],
                timeout=5, connect_timeout=2)
    args.update(kw)
    return vc.VtpcmClient(**args)


UUID = "3f0e7c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b"


def test_create_vtpcm_success_over_mutual_tls13(pki, server, caplog):
    caplog.set_level(logging.DEBUG)
    server.routes[("POST", "/v1/vms/%s/vtpcm" % UUID)] = (
        201, {"vtpcmId": "v-1", "state": "RUNNING", "decision": "allow",
              "domainXml": "<domain><devices><tpm model='tpm-crb'/></devices></domain>"}, 0)
    c = _client(pki, server)
    secret_xml = "<domain><name>instance-1</name><secret>s3cr3t-marker</secret></domain>"
    vtpcm_id, decision, xml = c.create_vtpcm(UUID, "instance-1", "deny", secret_xml)
    assert (vtpcm_id, decision) == ("v-1", "allow")
    assert "tpm-crb" in xml
    seen = server.seen[-1]
    assert seen["body"] == {"vmName": "instance-1", "policy": "deny", "domainXml": secret_xml}
    assert seen["cn"] == "nova-compute.vtpcm-n2"
    assert seen["tls"] == "TLSv1.3"
    assert seen["ctype"] == "application/json"
    # no bodies, no key material in logs
    assert "s3cr3t-marker" not in caplog.text
    assert "PRIVATE KEY" not in caplog.text


def test_engine_methods_paths_and_bodies(pki, server):
    server.routes[("POST", "/v1/nova/live-migrations")] = (
        201, {"migrationId": "m-1", "phase": "DEST_ATTESTED"}, 0)
    for phase in ("prepare", "send", "commit", "abort"):
        server.routes[("POST", "/v1/nova/instances/%s/%s" % (UUID, phase))] = (
            200, {"phase": phase.upper()}, 0)
    server.routes[("GET", "/v1/nova/instances/%s/migration" % UUID)] = (
        200, {"id": "m-1", "phase": "COMMITTED"}, 0)
    c = _client(pki, server)
    assert c.begin(UUID, "instance-1", "vtpcm-n1", "vtpcm-n2", "nm-1") == {
        "migrationId": "m-1", "phase": "DEST_ATTESTED"}
    assert server.seen[-1]["body"] == {"instanceUuid": UUID, "vmName": "instance-1",
                                       "source": "vtpcm-n1", "destination": "vtpcm-n2",
                                       "novaMigrationId": "nm-1", "nativeTls": False}
    c.begin(UUID, "instance-1", "vtpcm-n1", "vtpcm-n2")
    assert "novaMigrationId" not in server.seen[-1]["body"]
    # a JSON boolean, always sent: the engine refuses a begin without "nativeTls": true
    assert server.seen[-1]["body"]["nativeTls"] is False
    c.begin(UUID, "instance-1", "vtpcm-n1", "vtpcm-n2", "nm-1", native_tls=True)
    assert server.seen[-1]["body"]["nativeTls"] is True
    c.begin(UUID, "instance-1", "vtpcm-n1", "vtpcm-n2", native_tls=1)
    assert server.seen[-1]["body"]["nativeTls"] is True
    assert c.prepare(UUID) == {"phase": "PREPARE"}
    assert c.send(UUID)["phase"] == "SEND"
    assert c.commit(UUID)["phase"] == "COMMIT"
    c.abort(UUID, "because")
    assert server.seen[-1]["body"] == {"reason": "because"}
    assert c.status(UUID)["phase"] == "COMMITTED"
    assert server.seen[-1]["method"] == "GET"


@pytest.mark.parametrize("status,code", [(403, "ACTIVE_CONTROL_DENIED"), (409, "UNTRUSTED"),
                                         (409, "STATE_MISMATCH"), (400, "BAD_REQUEST")])
def test_4xx_become_refused_with_code_and_message(pki, server, status, code):
    server.routes[("POST", "/v1/nova/instances/%s/commit" % UUID)] = (
        status, {"code": code, "message": "the engine says no", "details": {"k": 1}}, 0)
    with pytest.raises(vc.VtpcmRefused) as e:
        _client(pki, server).commit(UUID)
    assert (e.value.status, e.value.code, e.value.message) == (status, code,
                                                                "the engine says no")
    assert e.value.details == {"k": 1}
    assert not isinstance(e.value, vc.VtpcmUnavailable)


def test_5xx_and_non_json_error_become_unavailable(pki, server):
    server.routes[("POST", "/v1/nova/instances/%s/send" % UUID)] = (
        503, {"code": "UNREACHABLE", "message": "manager n1 unreachable"}, 0)
    with pytest.raises(vc.VtpcmUnavailable) as e:
        _client(pki, server).send(UUID)
    assert e.value.code == "UNREACHABLE" and e.value.status == 503
    server.routes[("POST", "/v1/nova/instances/%s/send" % UUID)] = (502, b"<html>", 0)
    with pytest.raises(vc.VtpcmUnavailable) as e:
        _client(pki, server).send(UUID)
    assert e.value.code == "HTTP_502"


def test_destroy_vtpcm_404_is_false(pki, server):
    server.routes[("DELETE", "/v1/vms/%s" % UUID)] = (204, None, 0)
    assert _client(pki, server).destroy_vtpcm(UUID) is True
    server.routes[("DELETE", "/v1/vms/%s" % UUID)] = (404, {"code": "NOT_FOUND",
                                                             "message": "none"}, 0)
    assert _client(pki, server).destroy_vtpcm(UUID) is False


def test_connection_refused_is_unavailable(pki):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    c = vc.VtpcmClient(engine_url="https://127.0.0.1:%d" % port, ca_file=pki["ca-cert.pem"],
                       cert_file=pki["client-cert.pem"], key_file=pki["client-key.pem"],
                       timeout=2, connect_timeout=2)
    with pytest.raises(vc.VtpcmUnavailable) as e:
        c.prepare(UUID)
    assert e.value.code == "UNREACHABLE"


def test_read_timeout_is_unavailable(pki, server):
    server.routes[("POST", "/v1/nova/instances/%s/prepare" % UUID)] = (200, {}, 2.0)
    started = time.monotonic()
    with pytest.raises(vc.VtpcmUnavailable) as e:
        _client(pki, server, timeout=0.5).prepare(UUID)
    assert e.value.code == "TIMEOUT"
    assert time.monotonic() - started < 1.8


def test_untrusted_client_certificate_is_rejected(pki, server):
    c = _client(pki, server, cert_file=pki["rogue-cert.pem"], key_file=pki["rogue-key.pem"])
    with pytest.raises(vc.VtpcmUnavailable):
        c.prepare(UUID)
    assert server.seen == []


def test_server_not_from_our_ca_is_rejected(pki, server):
    c = _client(pki, server, ca_file=pki["rogue-ca-cert.pem"])
    with pytest.raises(vc.VtpcmUnavailable) as e:
        c.prepare(UUID)
    assert e.value.code == "TLS"


def test_tls_files_are_read_at_each_call(pki, server, tmp_path):
    server.routes[("POST", "/v1/nova/instances/%s/prepare" % UUID)] = (200, {"ok": 1}, 0)
    cert, key = str(tmp_path / "c.pem"), str(tmp_path / "k.pem")
    c = _client(pki, server, cert_file=cert, key_file=key)
    with pytest.raises(vc.VtpcmUnavailable) as e:
        c.prepare(UUID)
    assert e.value.code == "TLS_FILES"
    shutil.copy(pki["client-cert.pem"], cert)
    shutil.copy(pki["client-key.pem"], key)
    assert c.prepare(UUID) == {"ok": 1}


def test_not_configured():
    with pytest.raises(vc.VtpcmUnavailable) as e:
        vc.VtpcmClient(engine_url=None).prepare(UUID)
    assert e.value.code == "NOT_CONFIGURED"
    with pytest.raises(vc.VtpcmUnavailable):
        vc.VtpcmClient(engine_url="http://x:1", ca_file="a", cert_file="b",
                       key_file="c").prepare(UUID)


def test_from_conf_reads_the_vtpcm_group():
    from oslo_config import cfg
    from vtpcm_nova import conf as vconf
    conf = cfg.ConfigOpts()
    vconf.register_opts(conf)
    conf([], project="test")
    conf.set_override("engine_url", "https://e:1", group="vtpcm")
    conf.set_override("timeout", 7, group="vtpcm")
    c = vc.VtpcmClient.from_conf(conf)
    assert (c.engine_url, c.timeout, c.connect_timeout) == ("https://e:1", 7, 10.0)
    assert conf.vtpcm.quarantine is True
    assert conf.vtpcm.enabled_spec == "vtpcm:enabled"


def test_client_refuses_tls12_server(pki):
    srv = _TlsServer(pki)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(pki["ca-cert.pem"])
    ctx.load_cert_chain(pki["server-cert.pem"], pki["server-key.pem"])
    srv.ctx = ctx
    srv.routes[("POST", "/v1/nova/instances/%s/prepare" % UUID)] = (200, {}, 0)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        with pytest.raises(vc.VtpcmUnavailable) as e:
            _client(pki, srv).prepare(UUID)
        assert e.value.code == "TLS"
        assert srv.seen == []
    finally:
        srv.shutdown()
        srv.server_close()
