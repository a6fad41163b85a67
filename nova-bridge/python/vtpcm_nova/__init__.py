"""vtpcm extension for Nova's libvirt compute driver (OpenStack Zed).

Loaded by nova-compute as ``nova.virt.vtpcm_nova`` (see ``bin/vtpcm-nova-compute``); it also
imports as plain ``vtpcm_nova`` (tests). Every module uses relative imports only.
"""

__version__ = "0.1.0"
