"""bin/vtpcm-nova-compute: the package resolves as nova.virt.vtpcm_nova (Zed's driver loader).

Each case runs in a fresh /usr/bin/python3 so that nova.virt.__path__ and eventlet patching
start clean.
"""

import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(ROOT, "bin", "vtpcm-nova-compute")


def _run(code, launcher=LAUNCHER):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VTPCM_NOVA_PATH")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    script = "import runpy\nL = runpy.run_path(%r, run_name='vtpcm_launcher')\n" % launcher
    result = subprocess.run([sys.executable, "-c", script + textwrap.dedent(code)],
                            cwd="/", env=env, capture_output=True, text=True, timeout=60)
    return result


def test_without_launcher_nova_cannot_load_the_driver():
    r = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import importlib
        try:
            importlib.import_module('nova.virt.vtpcm_nova.driver')
        except ImportError as e:
            print('IMPORT-ERROR', e)
        """)], cwd="/", capture_output=True, text=True, timeout=60,
        env={"PATH": os.environ.get("PATH", "/usr/bin")})
    assert "IMPORT-ERROR No module named 'nova.virt.vtpcm_nova'" in r.stdout, r.stderr


def test_launcher_path_makes_load_compute_driver_work():
    r = _run("""
        root = L['install_path']()
        import nova.conf, nova.virt, eventlet.patcher
        from nova.virt import driver as virt_driver
        from nova.virt.libvirt import driver as libvirt_driver
        assert eventlet.patcher.is_monkey_patched('socket')
        nova.conf.CONF([], project='nova', default_config_files=[], default_config_dirs=[])
        nova.conf.CONF.set_override('compute_driver', 'vtpcm_nova.driver.VtpcmLibvirtDriver')
        d = virt_driver.load_compute_driver(None)     # 'nova.virt.' + compute_driver
        print('ROOT', root)
        print('CLASS', type(d).__module__, type(d).__name__)
        print('PARENT', isinstance(d, libvirt_driver.LibvirtDriver))
        import nova.virt.vtpcm_nova.client as c
        print('RELATIVE', type(d.vtpcm_client).__module__ == c.__name__)
        print('OPTS', nova.conf.CONF.vtpcm.enabled_spec, nova.conf.CONF.vtpcm.timeout)
        """)
    assert r.returncode == 0, r.stderr
    assert "ROOT %s" % ROOT in r.stdout
    assert "CLASS nova.virt.vtpcm_nova.driver VtpcmLibvirtDriver" in r.stdout
    assert "PARENT True" in r.stdout
    assert "RELATIVE True" in r.stdout
    assert "OPTS vtpcm:enabled 120.0" in r.stdout


def test_launcher_main_patches_eventlet_before_nova_compute(tmp_path):
    link = tmp_path / "vtpcm-nova-compute"
    os.symlink(LAUNCHER, link)          # resolved through symlinks (e.g. /usr/local/bin)
    r = _run("""
        import sys, types
        calls = []
        def fake_main():
            import eventlet.patcher, nova.virt
            calls.append((eventlet.patcher.is_monkey_patched('socket'), list(nova.virt.__path__)))
            return 0
        import nova.cmd.compute
        nova.cmd.compute.main = fake_main
        assert L['main']() == 0
        print('PATCHED', calls[0][0])
        print('PATH', calls[0][1][-1])
        """, launcher=str(link))
    assert r.returncode == 0, r.stderr
    assert "PATCHED True" in r.stdout
    assert "PATH %s" % ROOT in r.stdout
