import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def _issue(d, name, ca, cn, ext):
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-out", name + "-key.pem", cwd=d)
    _openssl("req", "-new", "-key", name + "-key.pem", "-subj", "/CN=" + cn,
             "-out", name + ".csr", cwd=d)
    with open(os.path.join(d, name + ".ext"), "w") as f:
        f.write(ext)
    _openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + "-cert.pem", "-CAkey",
             ca + "-key.pem", "-CAcreateserial", "-days", "2", "-sha256",
             "-extfile", name + ".ext", "-out", name + "-cert.pem", cwd=d)


def _ca(d, name):
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-out", name + "-key.pem", cwd=d)
    _openssl("req", "-x509", "-new", "-key", name + "-key.pem", "-subj", "/CN=" + name,
             "-days", "2", "-sha256", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", name + "-cert.pem",
             cwd=d)


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    """A test cloud CA (EC P-256), a server cert for 127.0.0.1/localhost, a client cert
    (CN nova-compute.vtpcm-n2), and a client cert from another CA."""
    d = str(tmp_path_factory.mktemp("pki"))
    _ca(d, "ca")
    _ca(d, "rogue-ca")
    _issue(d, "server", "ca", "engine",
           "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
           "keyUsage=critical,digitalSignature\n")
    _issue(d, "client", "ca", "nova-compute.vtpcm-n2",
           "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n")
    _issue(d, "rogue", "rogue-ca", "nova-compute.vtpcm-n2",
           "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n")
    return {name: os.path.join(d, name) for name in (
        "ca-cert.pem", "server-cert.pem", "server-key.pem", "client-cert.pem",
        "client-key.pem", "rogue-cert.pem", "rogue-key.pem", "rogue-ca-cert.pem")}
