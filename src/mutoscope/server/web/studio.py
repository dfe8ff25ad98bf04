"""What the making pages need to know: which models, sizes, lengths and styles there are, and which characters
the viewer may cast. Read from the backend registry and the settings, so the forms offer exactly what the
`/v1/videos` API accepts."""

from __future__ import annotations

from dataclasses import dataclass

from mutoscope.server.accounts.auth import Principal
from mutoscope.server.characters.service import CharacterService
from mutoscope.server.generations import params
from mutoscope.server.runtime import Runtime

SIZE_LABELS = {
    "720x1280": "Portrait 720×1280",
    "1280x720": "Landscape 1280×720",
    "1024x1792": "Tall portrait 1024×1792",
    "1792x1024": "Wide landscape 1792×1024",
    "1080x1920": "Portrait 1080p",
    "1920x1080": "Landscape 1080p",
}


@dataclass(frozen=True, slots=True)
class ModelChoice:
    name: str
    summary: str
    styles: tuple[str, ...]
    storyboards: bool
    first_frame: bool
    max_characters: int


@dataclass(frozen=True, slots=True)
class CharacterChoice:
    id: str
    name: str
    handle: str
    kind: str
    mine: bool


@dataclass(frozen=True, slots=True)
class Studio:
    models: tuple[ModelChoice, ...]
    default_model: str
    seconds: tuple[str, ...]
    default_seconds: str
    sizes: tuple[tuple[str, str], ...]
    default_size: str
    characters: tuple[CharacterChoice, ...]
    max_characters: int

    @property
    def styles(self) -> tuple[str, ...]:
        """Every style some model offers (the form says which model takes which)."""
        return tuple(sorted({style for model in self.models for style in model.styles}))


def studio(state: Runtime, principal: Principal) -> Studio:
    settings = state.settings.api
    default_backend = settings.models.get(settings.default_model, settings.default_model)
    models = []
    for name in state.registry.names():
        spec = state.registry.get(name)
        caps = spec.capabilities
        models.append(
            ModelChoice(
                name, spec.summary, tuple(caps.styles), caps.shots, caps.first_frame, caps.max_characters
            )
        )
    models.sort(key=lambda m: (m.name != default_backend, m.name))
    return Studio(
        models=tuple(models),
        default_model=default_backend,
        seconds=params.SECONDS,
        default_seconds=params.DEFAULT_SECONDS,
        sizes=tuple((size, SIZE_LABELS.get(size, size)) for size in params.SIZES),
        default_size=params.DEFAULT_SIZE,
        characters=usable_characters(state, principal),
        max_characters=params.MAX_CHARACTERS,
    )


def usable_characters(state: Runtime, principal: Principal) -> tuple[CharacterChoice, ...]:
    """The characters `principal` may cast: their own and those whose owners share them with them."""
    listed = CharacterService(state).list_characters(principal, scope="usable").data
    ordered = sorted(listed, key=lambda c: (not c.is_owner, c.name.lower()))
    return tuple(CharacterChoice(c.id, c.name, c.handle, c.kind, c.is_owner) for c in ordered)
