"""Unit tests of the vtpcm Tempest plugin (no cloud): the entry point loads, the options register,
Tempest's plugin manager and test discovery find the scenario tests, and the engine checks
judge records correctly. Run with the Python that has tempest (Debian: /usr/bin/python3)."""

import configparser
import importlib
import os
import subprocess
import sys
import textwrap

import pytest
from oslo_config import cfg

PLUGIN_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENTRY_POINT = "vtpcm_tests = vtpcm_tempest_plugin.plugin:VtpcmTempestPlugin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The plugin as pip would leave it: a dist-info with its entry points, on the path."""
    site = tmp_path_factory.mktemp("site")
    info = site / "vtpcm_tempest_plugin-0.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: vtpcm-tempest-plugin\nVersion: 0.0.0\n")
    setup_cfg = configparser.ConfigParser()
    setup_cfg.read(os.path.join(PLUGIN_ROOT, "setup.cfg"))
    entry_points = setup_cfg["entry_points"]["tempest.test_plugins"].strip()
    (info / "entry_points.txt").write_text("[tempest.test_plugins]\n%s\n" % entry_points)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), PLUGIN_ROOT]),
               TEMPEST_CONFIG_DIR=str(site), TEMPEST_CONFIG="tempest.conf", HOME=str(site),
               VTPCM_TEST_SITE=str(site))
    (site / "tempest.conf").write_text("[DEFAULT]\n")
    return env


def run_python(env, code):
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, cwd=PLUGIN_ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_setup_cfg_declares_the_entry_point():
    setup_cfg = configparser.ConfigParser()
    setup_cfg.read(os.path.join(PLUGIN_ROOT, "setup.cfg"))
    assert setup_cfg["entry_points"]["tempest.test_plugins"].strip() == ENTRY_POINT
    assert setup_cfg["files"]["packages"].strip() == "vtpcm_tempest_plugin"


def test_entry_point_target_is_a_tempest_plugin():
    from tempest.test_discover import plugins
    module, _, name = ENTRY_POINT.split("=")[1].strip().partition(":")
    cls = getattr(importlib.import_module(module), name)
    assert issubclass(cls, plugins.TempestPlugin)
    test_dir, base = cls().load_tests()
    assert os.path.isdir(test_dir)
    assert test_dir == os.path.join(base, "vtpcm_tempest_plugin", "tests")


def test_options_register_with_defaults():
    from vtpcm_tempest_plugin import plugin
    conf = cfg.ConfigOpts()
    vtpcm = plugin.VtpcmTempestPlugin()
    vtpcm.register_opts(conf)
    conf([], project="tempest-unit", default_config_files=[])
    assert conf.vtpcm.flavor_name == "vtpcm"
    assert conf.vtpcm.engine_url == "https://127.0.0.1:9440"
    assert conf.vtpcm.broken_attestation is False
    assert conf.vtpcm.trust_hosts == []
    assert conf.vtpcm.ca_file is None
    assert conf.service_available.vtpcm is False
    groups = dict(vtpcm.get_opt_lists())
    assert {opt.name for opt in groups["vtpcm"]} >= {
        "engine_url", "ca_file", "cert_file", "key_file", "flavor_name", "image_name", "broken_attestation",
        "trust_hosts"}
    assert [opt.name for opt in groups["service_available"]] == ["vtpcm"]


def test_tempest_plugin_manager_finds_the_plugin(installed):
    out = run_python(installed, """
        from tempest.test_discover import plugins
        manager = plugins.TempestTestPluginManager()
        tuples = manager.get_plugin_load_tests_tuple()
        print(sorted(tuples))
        print(tuples["vtpcm_tests"][0])
    """)
    assert "vtpcm_tests" in out
    assert out.strip().splitlines()[-1].endswith(os.path.join("vtpcm_tempest_plugin", "tests"))


def test_tempest_config_has_the_plugin_options(installed):
    out = run_python(installed, """
        from tempest import config
        print(config.CONF.vtpcm.flavor_name, config.CONF.service_available.vtpcm)
    """)
    assert out.strip().splitlines()[-1] == "vtpcm False"


def test_scenario_tests_are_discovered_with_ids(installed):
    out = run_python(installed, """
        import unittest
        from tempest.test_discover import plugins
        test_dir, base = plugins.TempestTestPluginManager().get_plugin_load_tests_tuple()["vtpcm_tests"]
        suite = unittest.defaultTestLoader.discover(test_dir, top_level_dir=base)
        def flat(s):
            for t in s:
                yield from (flat(t) if isinstance(t, unittest.TestSuite) else [t])
        for test in flat(suite):
            print(test.id())
    """)
    ids = [line.split("[")[0] for line in out.splitlines() if line.startswith("vtpcm_tempest_plugin")]
    prefix = "vtpcm_tempest_plugin.tests.scenario.test_vtpcm_live_migration.VtpcmLiveMigrationTest."
    assert sorted(ids) == sorted([
        prefix + "test_vtpcm_live_migration",
        prefix + "test_vtpcm_live_migration_to_untrusted_host_refused",
    ]), out


def test_stestr_lists_the_tests(installed):
    """What `tempest run --regex vtpcm_tempest_plugin` selects from (stestr over the plugin's folder)."""
    repo = os.path.join(installed["VTPCM_TEST_SITE"], "stestr")
    os.makedirs(repo, exist_ok=True)
    stestr = [sys.executable, "-m", "stestr", "--test-path", os.path.join(PLUGIN_ROOT, "vtpcm_tempest_plugin", "tests"),
              "--top-dir", PLUGIN_ROOT]
    for args in (["init"], ["list", "vtpcm_tempest_plugin"]):
        result = subprocess.run(stestr + args, env=installed, cwd=repo, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    listed = [line for line in result.stdout.splitlines() if "VtpcmLiveMigrationTest" in line]
    assert len(listed) == 2, result.stdout
    assert any("[compute,id-5f0a6a0e-8d0e-4d0b-9a77-3c2b7c4d9e11,slow]" in line for line in listed), listed
    assert any("id-b1d8e0c5-3f27-4a6e-8c1e-6e5a9f2d7c40" in line and "negative" in line for line in listed), listed


class FakeEngine(object):
    def __init__(self, record, receipt=None):
        self.record, self.receipt_body = record, receipt

    def instance_migration(self, uuid):
        return self.record

    def receipt(self, migration_id):
        return self.receipt_body


def committed_record(**changes):
    record = {"id": "m-1", "vmUuid": "vm-1", "phase": "COMMITTED", "outcome": "COMMITTED",
              "source": "n1", "destination": "n2", "digestLeft": "aa", "digestArrived": "aa", "epoch": 2}
    record.update(changes)
    return record


RECEIPT = {"receipt": {"migrationId": "m-1", "digestLeft": "aa", "digestArrived": "aa"},
           "suite": "sm", "signature": "5a", "signingKey": "04ab"}


@pytest.fixture(scope="module")
def scenario(installed):
    """The scenario class, importable in this process once the plugin's options are registered."""
    from tempest import config
    from vtpcm_tempest_plugin import plugin
    conf = config.CONF
    conf._config = config.TempestConfigPrivate(parse_conf=False)
    plugin.VtpcmTempestPlugin().register_opts(config._CONF)
    from vtpcm_tempest_plugin.tests.scenario import test_vtpcm_live_migration as module
    return module


def checker(module, record, receipt=RECEIPT):
    test = module.VtpcmLiveMigrationTest("test_vtpcm_live_migration")
    test.engine = FakeEngine(record, receipt)
    return test


def test_committed_record_with_receipt_passes(scenario):
    assert checker(scenario, committed_record())._assert_committed("vm-1", "n1", "n2")["id"] == "m-1"


@pytest.mark.parametrize("record, receipt, why", [
    (committed_record(phase="ROLLED_BACK", outcome="ROLLED_BACK"), RECEIPT, "not committed"),
    (committed_record(digestArrived="bb"), RECEIPT, "digests differ"),
    (committed_record(digestLeft=None, digestArrived=None), RECEIPT, "no digest"),
    (committed_record(destination="n3"), RECEIPT, "another destination"),
    (committed_record(), dict(RECEIPT, signature=""), "unsigned receipt"),
    (committed_record(), {"receipt": dict(RECEIPT["receipt"], migrationId="m-0"), "signature": "5a",
                          "signingKey": "04"}, "receipt of another migration"),
])
def test_bad_records_fail(scenario, record, receipt, why):
    with pytest.raises(AssertionError):
        checker(scenario, record, receipt)._assert_committed("vm-1", "n1", "n2")


class TrustingEngine(object):
    def __init__(self, fail=None):
        self.trusted, self.fail = [], fail

    def trust_host(self, name):
        if self.fail:
            raise self.fail
        self.trusted.append(name)
        return {"added": 3}


def test_trust_hosts_trusts_each_listed_host_but_the_untrusted_one(scenario):
    from tempest import config
    engine = TrustingEngine()
    config.CONF.set_override("trust_hosts", ["compute1", "compute2", ""], group="vtpcm")
    config.CONF.set_override("untrusted_host", "compute2", group="vtpcm")
    try:
        scenario.VtpcmLiveMigrationTest._trust_hosts(engine)
    finally:
        config.CONF.clear_override("trust_hosts", group="vtpcm")
        config.CONF.clear_override("untrusted_host", group="vtpcm")
    assert engine.trusted == ["compute1"]


def test_trust_hosts_failure_is_a_configuration_error(scenario):
    from tempest import config
    from tempest.lib import exceptions as lib_exc
    engine = TrustingEngine(fail=scenario.EngineError(403, "operator role required"))
    config.CONF.set_override("trust_hosts", ["compute1"], group="vtpcm")
    try:
        with pytest.raises(lib_exc.InvalidConfiguration):
            scenario.VtpcmLiveMigrationTest._trust_hosts(engine)
    finally:
        config.CONF.clear_override("trust_hosts", group="vtpcm")


def test_engine_client_needs_https(scenario):
    from tempest.lib import exceptions as lib_exc
    with pytest.raises(lib_exc.InvalidConfiguration):
        scenario.EngineClient("http://127.0.0.1:9440", None, None, None, 5)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
