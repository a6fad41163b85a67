"""The ``[vtpcm]`` section of nova.conf."""

from oslo_config import cfg

vtpcm_group = cfg.OptGroup(
    "vtpcm",
    title="vtpcm options",
    help="How nova-compute reaches the vtpcm migration engine and the local vTPCM manager "
         "(both over mutual TLS 1.3 with a client certificate from the cloud CA).")

OPTS = [
    cfg.URIOpt("engine_url", schemes=["https"],
               help="Base URL of the vtpcm migration engine, e.g. https://10.200.0.254:9440"),
    cfg.URIOpt("manager_url", schemes=["https"],
               help="Base URL of this node's vTPCM manager, e.g. https://10.200.0.1:9443"),
    cfg.StrOpt("ca_file", help="PEM file with the cloud CA certificate (server verification)."),
    cfg.StrOpt("cert_file",
               help="PEM client certificate (CN nova-compute.<node>). Read at each call."),
    cfg.StrOpt("key_file", secret=True,
               help="PEM private key of cert_file (EC P-256). Read at each call, never logged."),
    cfg.StrOpt("node_name",
               help="vtpcm node name of this compute; default: [DEFAULT] host."),
    cfg.FloatOpt("timeout", default=120.0, min=0.1,
                 help="Seconds to wait for an answer of the engine or the manager."),
    cfg.FloatOpt("connect_timeout", default=10.0, min=0.1,
                 help="Seconds for the TCP connection and the TLS handshake."),
    cfg.BoolOpt("quarantine", default=True,
                help="Keep an arriving instance's interfaces link-down until the engine's "
                     "commit verified the TPM state digests."),
    cfg.StrOpt("enabled_spec", default="vtpcm:enabled",
               help="Flavor extra spec / image property that marks vtpcm instances (=true)."),
    cfg.StrOpt("policy_spec", default="vtpcm:policy",
               help="Flavor extra spec with the measurement policy (deny|audit, default "
                    "deny); the image property of that name may only tighten it."),
]


def register_opts(conf):
    conf.register_group(vtpcm_group)
    conf.register_opts(OPTS, group=vtpcm_group)


def list_opts():
    return {vtpcm_group: OPTS}


def node_name(conf):
    return conf.vtpcm.node_name or conf.host
