"""Configuration of the vtpcm Tempest plugin: tempest.conf groups [vtpcm] and
[service_available] vtpcm (the DevStack plugin's `stack test-config` phase writes both)."""

from oslo_config import cfg

service_option = cfg.BoolOpt(
    "vtpcm",
    default=False,
    help="Whether the vtpcm migration engine and managers are deployed "
         "(Nova's VtpcmLibvirtDriver on the computes).")

vtpcm_group = cfg.OptGroup(
    name="vtpcm",
    title="vtpcm: live migration of VMs with their vTPCM")

VtpcmGroup = [
    cfg.StrOpt("engine_url",
               default="https://127.0.0.1:9440",
               help="The vtpcm migration engine's REST API (mutual TLS)."),
    cfg.StrOpt("ca_file",
               help="The cloud CA's certificate (PEM) the engine's "
                    "certificate is checked against."),
    cfg.StrOpt("cert_file",
               help="Client certificate (PEM) issued by the cloud CA "
                    "(vtpcm-engine issue-client)."),
    cfg.StrOpt("key_file",
               help="The client certificate's private key (PEM)."),
    cfg.StrOpt("flavor_name",
               default="vtpcm",
               help="Flavor whose extra specs carry vtpcm:enabled=true."),
    cfg.StrOpt("image_name",
               default="",
               help="Image to boot by name; empty: [compute] image_ref."),
    cfg.IntOpt("engine_timeout",
               default=30,
               help="Seconds one request to the engine may take."),
    cfg.IntOpt("migration_timeout",
               default=600,
               help="Seconds to wait for a live migration to end."),
    cfg.BoolOpt("broken_attestation",
                default=False,
                help="A compute host is deliberately made untrustworthy "
                     "(its platform fails attestation): enables the "
                     "negative live-migration test."),
    cfg.StrOpt("untrusted_host",
               default="",
               help="The compute host whose attestation is broken "
                    "(with broken_attestation)."),
    cfg.ListOpt("trust_hosts",
                default=[],
                help="Compute hosts whose measured platform the test records "
                     "as trusted in the engine before it runs (POST "
                     "/v1/hosts/{name}/trust, an operator call): hosts that "
                     "could not trust themselves because no operator identity "
                     "is on them (DevStack subnodes). untrusted_host is never "
                     "trusted."),
]
