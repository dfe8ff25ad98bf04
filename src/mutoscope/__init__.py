"""mutoscope: open, self-hosted generation of short videos with synchronized sound.

The package is layered (see docs/architecture.md): leaves (settings, errors, ids, logs), pure policy and media
code (safety, provenance, storage), the torch-free engine, backends, jobs, the server and the CLI. Importing any
module never reads settings, loads a model or touches the network.
"""

__version__ = "0.1.0"
