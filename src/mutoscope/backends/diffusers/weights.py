"""Where a diffusers backend's checkpoint comes from: a local folder, `weights_dir/<name>`, or a hub id.

Resolution happens only when a worker loads a backend. A missing checkpoint raises `BackendError` whose message
says exactly how to get it; `pull` fetches one with huggingface_hub where the machine has internet access.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mutoscope.backends.diffusers.spec import WEIGHTS
from mutoscope.errors import BackendError, InvalidRequestError


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A resolved checkpoint: a local folder, or a hub id diffusers downloads from (and caches)."""

    source: str
    local: bool


def _how_to_get(name: str) -> str:
    return (
        f"run `mutoscope weights pull {name}` on a machine with internet access (it downloads "
        f"{WEIGHTS[name]} into MUTOSCOPE_WEIGHTS_DIR/{name}), or set the backend option "
        f"checkpoint to a local folder or to the hub id {WEIGHTS[name]!r}"
    )


def resolve(name: str, checkpoint: str | None, weights_dir: Path | None) -> Checkpoint:
    """The checkpoint to load for weights `name`, or a `BackendError` saying how to get it."""
    if checkpoint is not None:
        path = Path(checkpoint).expanduser()
        if path.is_dir():
            return Checkpoint(str(path), local=True)
        if checkpoint.startswith(("/", ".", "~")) or path.exists():
            raise BackendError(f"checkpoint folder {checkpoint} does not exist; {_how_to_get(name)}")
        return Checkpoint(checkpoint, local=False)  # a hub id
    if weights_dir is None:
        raise BackendError(f"no weights for {name}: MUTOSCOPE_WEIGHTS_DIR is not set; {_how_to_get(name)}")
    folder = weights_dir / name
    if not (folder / "model_index.json").is_file():
        raise BackendError(f"no weights for {name} in {folder}; {_how_to_get(name)}")
    return Checkpoint(str(folder), local=True)


def pull(name: str, weights_dir: Path) -> Path:
    """Download weights `name` into `weights_dir/name` (needs internet access and huggingface_hub)."""
    if name not in WEIGHTS:
        raise InvalidRequestError(
            f"unknown weights {name!r}; known: {', '.join(sorted(WEIGHTS))}", param="name"
        )
    try:
        from huggingface_hub import snapshot_download
    except ImportError as exc:
        raise BackendError(
            "pulling weights needs huggingface_hub: pip install 'mutoscope[diffusers]'"
        ) from exc
    target = weights_dir / name
    try:
        snapshot_download(repo_id=WEIGHTS[name], local_dir=target)
    except Exception as exc:  # network, auth and disk errors all mean the same thing to the user
        raise BackendError(
            f"could not download {WEIGHTS[name]} into {target}: {type(exc).__name__}: {exc}. "
            "This needs internet access to huggingface.co (and, for gated models, `hf auth login`)."
        ) from exc
    return target
