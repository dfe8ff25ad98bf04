"""The render stage of the procedural backend: a simulated world drawn frame by frame in a style.

`Renderer` (renderer.py) is the entry point; `STYLE_NAMES` lists the styles it draws. Inside: `styles` (what
each style is), `tone` and `lighting` (colour), `camera` (world → screen), `backdrop` with `sky`, `scenery`,
`ground`, `settings` (parallax layers per setting), `weather`, body builders (`humanoid`, `faces`,
`accessories`, `creatures`, `props`, `vehicles`, `fixtures`, dispatched by `bodies`), `ink` (painting parts in
the style), `shadows`, `finish` (grain, vignette, letterbox, captions), `textures` and `raster` (skia
plumbing). It imports skia; nothing outside the procedural backend imports this package.
"""

from mutoscope.backends.procedural.render.renderer import Renderer
from mutoscope.backends.procedural.render.styles import STYLE_NAMES

__all__ = ["STYLE_NAMES", "Renderer"]
