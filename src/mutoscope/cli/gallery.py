"""`mutoscope gallery OUTDIR`: render a fixed set of showcase prompts to MP4s and an HTML contact sheet.

The gallery is the product's demo reel and a quick eyeball check of the procedural backend: each entry is
one prompt (or a storyboard, or a remix of another entry's clip) rendered with a fixed seed, written as
`NN-slug.mp4` with a WebP thumbnail and a JPEG spritesheet beside it, and listed in `index.html` with its
title, prompt, a `<video controls>` player and the spritesheet.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Final

import typer

from mutoscope.cli import output
from mutoscope.cli.arguments import check_seconds, parse_size
from mutoscope.engine import Clip, GenerationRequest, ParentClip, Shot, generate
from mutoscope.engine.media.previews import spritesheet_jpeg, thumbnail_webp
from mutoscope.errors import InvalidRequestError

BACKEND: Final = "procedural"
SEED: Final = 7
DEFAULT_SIZE: Final = "640x360"
DEFAULT_SECONDS: Final = 4.0
THUMBNAIL_WIDTH: Final = 320
SHEET_COLUMNS: Final = 4
SHEET_ROWS: Final = 3
SHEET_TILE_WIDTH: Final = 160


@dataclass(frozen=True, slots=True)
class Entry:
    """One gallery item: a prompt, or shots (a storyboard), or a remix of entry `remix_of`'s clip."""

    slug: str
    title: str
    prompt: str
    style: str | None = None
    shots: tuple[str, ...] = ()
    remix_of: str | None = None  # the slug of the parent entry
    parent_prompt: str = ""  # what the parent clip shows, when `remix_of` names no entry in the run


ENTRIES: Final[tuple[Entry, ...]] = (
    Entry("backflip", "Backflip", "a gymnast does a backflip on a balance beam"),
    Entry("kickflip", "Kickflip", "a skateboarder does a kickflip in a skatepark"),
    Entry("rebound", "Missed shot", "a basketball player shoots and misses, the ball rebounds off the rim"),
    Entry("beach-dog", "Dog on the beach", "a dog runs on a beach at sunset"),
    Entry(
        "bench-talk",
        "Bench conversation",
        'Maria and John talk on a park bench. Maria, in Spanish: "Hola, ¿qué tal el día?" '
        'John, in English: "Good, thanks!"',
    ),
    Entry("dragon", "Anime dragon", "a dragon flies over snowy mountains", style="anime"),
    Entry("rainy-street", "Rainy street", "a rainy city street at night with cars passing"),
    Entry(
        "storyboard",
        "Three-shot storyboard",
        "a girl and her kite on a windy hill",
        shots=(
            "a girl runs across a windy hill with a red kite",
            "close-up of the girl laughing",
            "the kite flies high over the hill",
        ),
    ),
    Entry(
        "top-hat-ad",
        "Remix: top hat ad",
        "turn it into an ad for a top hat",
        remix_of="rainy-street",
        parent_prompt="a rainy city street at night with cars passing",
    ),
    Entry("cat-cup", "Cat and cup", "a cat knocks a cup off a table"),
    Entry("sketch-horse", "Pencil horse", "a pencil sketch of a horse galloping", style="sketch"),
    Entry("clay-chef", "Claymation chef", "a chef cooking in a kitchen", style="claymation"),
    Entry(
        "noir", "Noir detective", "a detective in a trench coat walks down a street at night", style="noir"
    ),
)


@dataclass(slots=True)
class Rendered:
    entry: Entry
    video: str
    thumbnail: str
    spritesheet: str
    seconds: float
    notes: list[str] = field(default_factory=list)


def gallery_command(
    outdir: Annotated[
        Path, typer.Argument(help="Folder for the MP4s, previews and index.html (created if missing).")
    ],
    seconds: Annotated[
        float, typer.Option("--seconds", help="Length of each clip (a storyboard's total).")
    ] = (DEFAULT_SECONDS),
    size: Annotated[str, typer.Option("--size", help="WIDTHxHEIGHT of every clip.")] = DEFAULT_SIZE,
    only: Annotated[
        int | None,
        typer.Option("--only", help="Render only the first N entries.", min=1, show_default=False),
    ] = None,
) -> None:
    """Render the showcase prompts to MP4s plus an index.html contact sheet."""
    with output.reporting_errors({"duration_s": "--seconds", "size": "--size", "width": "--size"}):
        check_seconds(seconds, "seconds")
        width, height = parse_size(size)
        entries = ENTRIES[:only] if only is not None else ENTRIES
        outdir.mkdir(parents=True, exist_ok=True)
        clips: dict[str, Clip] = {}
        rendered: list[Rendered] = []
        for number, entry in enumerate(entries, start=1):
            output.stderr.print(f"[{number}/{len(entries)}] {entry.title}")
            clip = render_entry(
                entry, outdir, number, width=width, height=height, seconds=seconds, clips=clips
            )
            rendered.append(clip)
        index = outdir / "index.html"
        index.write_text(contact_sheet(rendered, width=width, height=height), encoding="utf-8")
    output.emit_text(str(index))


def render_entry(
    entry: Entry,
    outdir: Path,
    number: int,
    *,
    width: int,
    height: int,
    seconds: float,
    clips: dict[str, Clip],
) -> Rendered:
    """Generate `entry` into `outdir` (video, thumbnail, spritesheet) and remember its clip in `clips`."""
    stem = f"{number:02d}-{entry.slug}"
    common = {"width": width, "height": height, "seed": SEED, "style": entry.style}
    parent: ParentClip | None = None
    if entry.remix_of is not None:
        parent_clip = clips.get(entry.remix_of)
        if parent_clip is None:  # the parent entry is not in this run (--only): make it now
            if not entry.parent_prompt:
                raise InvalidRequestError(f"gallery entry {entry.slug!r} names no parent prompt")
            parent_request = GenerationRequest(prompt=entry.parent_prompt, duration_s=seconds, **common)  # type: ignore[arg-type]
            parent_clip = generate(parent_request, backend=BACKEND).clip
        parent = ParentClip(parent_clip)
    if entry.shots:
        per_shot = seconds / len(entry.shots)
        request = GenerationRequest(
            prompt=entry.prompt,
            shots=tuple(Shot(text, per_shot) for text in entry.shots),
            duration_s=seconds,
            **common,  # type: ignore[arg-type]
        )
    else:
        request = GenerationRequest(
            prompt=entry.prompt,
            duration_s=seconds,
            parent=parent,
            mode="remix" if parent is not None else "create",
            **common,  # type: ignore[arg-type]
        )
    video = outdir / f"{stem}.mp4"
    result = generate(request, backend=BACKEND, output=video)
    clips[entry.slug] = result.clip
    thumbnail = outdir / f"{stem}.webp"
    thumbnail.write_bytes(thumbnail_webp(result.clip, min(THUMBNAIL_WIDTH, width)))
    sheet = outdir / f"{stem}-sheet.jpg"
    sheet.write_bytes(spritesheet_jpeg(result.clip, SHEET_COLUMNS, SHEET_ROWS, min(SHEET_TILE_WIDTH, width)))
    notes = result.clip.metadata.extra.get("scene", {}).get("notes", [])
    return Rendered(
        entry,
        video.name,
        thumbnail.name,
        sheet.name,
        result.clip.duration_s,
        [str(note) for note in notes],
    )


def contact_sheet(items: list[Rendered], *, width: int, height: int) -> str:
    """The gallery's index.html: one card per clip, with its title, prompt, player and spritesheet."""
    cards = []
    for item in items:
        entry = item.entry
        prompt = entry.prompt
        if entry.shots:
            prompt += " — shots: " + " / ".join(entry.shots)
        if entry.remix_of is not None:
            prompt += f" (remix of {entry.remix_of})"
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in item.notes)
        cards.append(
            f"""<section class="card">
  <h2>{html.escape(entry.title)}</h2>
  <p class="prompt">{html.escape(prompt)}</p>
  <video controls preload="metadata" width="{width}" height="{height}" poster="{html.escape(item.thumbnail)}">
    <source src="{html.escape(item.video)}" type="video/mp4">
  </video>
  <p class="meta">{item.seconds:.2f} s · style {html.escape(entry.style or "planned")} · seed {SEED}</p>
  <img class="sheet" src="{html.escape(item.spritesheet)}" alt="frames of {html.escape(entry.title)}">
  {f'<ul class="notes">{notes}</ul>' if notes else ""}
</section>"""
        )
    body = "\n".join(cards)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>mutoscope gallery</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #111; color: #eee; margin: 2em; }}
.card {{ display: inline-block; vertical-align: top; width: {max(width, SHEET_COLUMNS * SHEET_TILE_WIDTH)}px;
  margin: 0 2em 2em 0; }}
.prompt {{ color: #ccc; }} .meta, .notes {{ color: #888; font-size: 0.85em; }}
video, .sheet {{ max-width: 100%; display: block; margin-bottom: 0.5em; }}
</style>
</head>
<body>
<h1>mutoscope gallery</h1>
{body}
</body>
</html>
"""
