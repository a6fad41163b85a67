"""The vtpcm Tempest plugin (entry point tempest.test_plugins: vtpcm_tests)."""

import os

from tempest import config
from tempest.test_discover import plugins

from vtpcm_tempest_plugin import config as vtpcm_config


class VtpcmTempestPlugin(plugins.TempestPlugin):

    def load_tests(self):
        base_path = os.path.split(os.path.dirname(
            os.path.abspath(__file__)))[0]
        full_test_dir = os.path.join(base_path, "vtpcm_tempest_plugin/tests")
        return full_test_dir, base_path

    def register_opts(self, conf):
        config.register_opt_group(conf, config.service_available_group,
                                  [vtpcm_config.service_option])
        config.register_opt_group(conf, vtpcm_config.vtpcm_group,
                                  vtpcm_config.VtpcmGroup)

    def get_opt_lists(self):
        return [
            (vtpcm_config.vtpcm_group.name, vtpcm_config.VtpcmGroup),
            ("service_available", [vtpcm_config.service_option]),
        ]
