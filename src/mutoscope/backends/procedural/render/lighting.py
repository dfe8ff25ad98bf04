"""Scene lighting as the renderer sees it: sky colours, ambient tint and the key light's direction.

`Lighting.from_scene` turns the scene's time of day, weather and `Light` list into the few numbers every other
render module reads: the sky gradient, how bodies are tinted (a cool, dark ambient at night, warm at sunset),
where the key light comes from (for gradient shading, cel bands and shadow offsets) and which practical lights
(street lamps, neon) the backdrop should show. Pure data and arithmetic; no drawing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mutoscope.backends.procedural.scene import RGB, Light, Scene

# (sky top, sky horizon, ambient multiplier, key light colour, key light angle in degrees)
_TIME_OF_DAY: dict[str, tuple[RGB, RGB, tuple[float, float, float], RGB, float]] = {
    "dawn": ((84, 104, 168), (250, 186, 152), (0.95, 0.86, 0.84), (255, 206, 170), 160.0),
    "day": ((66, 136, 226), (188, 222, 246), (1.0, 1.0, 1.0), (255, 248, 236), 62.0),
    "sunset": ((64, 58, 126), (255, 148, 76), (1.0, 0.8, 0.66), (255, 166, 96), 14.0),
    "night": ((6, 10, 28), (30, 42, 78), (0.55, 0.6, 0.78), (190, 205, 255), 50.0),
}
_OVERCAST: RGB = (128, 132, 140)
_FOG: RGB = (200, 204, 208)
_SNOW_SKY: RGB = (206, 212, 222)


@dataclass(frozen=True, slots=True)
class Lighting:
    sky_top: RGB
    sky_horizon: RGB
    ambient: tuple[float, float, float]  # multiplies body and scenery colours
    key_rgb: RGB
    key_angle_deg: float  # where the key light comes from: 0 = from the right, 90 = from above
    night: bool
    celestial: str  # "sun", "moon" or "" (indoors, overcast)
    street_lights: bool  # lamp posts with pools of light in the backdrop
    neon: RGB | None  # colour of neon signs, if any

    @property
    def key_dir_screen(self) -> tuple[float, float]:
        """Unit vector toward the key light in screen coordinates (y down)."""
        a = math.radians(self.key_angle_deg)
        return (math.cos(a), -math.sin(a))

    @classmethod
    def from_scene(cls, scene: Scene, *, indoor: bool) -> Lighting:
        time = scene.time_of_day if scene.time_of_day in _TIME_OF_DAY else "day"
        top, horizon, ambient, key_rgb, angle = _TIME_OF_DAY[time]
        night = time == "night"
        key = _key_light(scene.lights)
        if key is not None:
            key_rgb, angle = key.color, key.angle_deg
            ambient = _scaled(ambient, 0.88 + 0.12 * min(key.intensity, 1.5))
        top, horizon, ambient = _weathered(scene.weather, top, horizon, ambient, dim=0.22 if night else 1.0)
        if indoor:
            # Rooms are lit by lamps: the time of day shows through windows, not on the people.
            ambient = (0.92, 0.9, 0.86) if night else (1.0, 0.99, 0.97)
        kinds = {light.kind for light in scene.lights}
        neon = next((light.color for light in scene.lights if light.kind == "neon"), None)
        overcast = scene.weather in ("rain", "storm", "fog", "snow")
        celestial = "" if indoor or overcast else ("moon" if night else "sun")
        return cls(
            sky_top=top,
            sky_horizon=horizon,
            ambient=ambient,
            key_rgb=key_rgb,
            key_angle_deg=angle,
            night=night,
            celestial=celestial,
            street_lights="street" in kinds or (night and not indoor),
            neon=neon,
        )


def _key_light(lights: tuple[Light, ...]) -> Light | None:
    for kind in ("key", "sun", "moon", "street", "neon", "fill"):
        for light in lights:
            if light.kind == kind:
                return light
    return None


def _scaled(ambient: tuple[float, float, float], factor: float) -> tuple[float, float, float]:
    return (ambient[0] * factor, ambient[1] * factor, ambient[2] * factor)


def mix_rgb(a: RGB, b: RGB, t: float) -> RGB:
    """Linear blend of two colours: t = 0 gives a, t = 1 gives b."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _weathered(
    weather: str, top: RGB, horizon: RGB, ambient: tuple[float, float, float], *, dim: float
) -> tuple[RGB, RGB, tuple[float, float, float]]:
    """Overcast skies for rain, storm, fog and snow; `dim` darkens the cloud colour at night."""
    if weather in ("rain", "storm"):
        grey = _dimmed(mix_rgb(_OVERCAST, (40, 44, 52), 0.5 if weather == "storm" else 0.0), dim)
        return mix_rgb(top, grey, 0.75), mix_rgb(horizon, grey, 0.65), _scaled(ambient, 0.8)
    if weather == "fog":
        fog = _dimmed(_FOG, dim)
        return mix_rgb(top, fog, 0.7), mix_rgb(horizon, fog, 0.85), _scaled(ambient, 0.92)
    if weather == "snow":
        snow = _dimmed(_SNOW_SKY, dim)
        return mix_rgb(top, snow, 0.6), mix_rgb(horizon, snow, 0.7), ambient
    return top, horizon, ambient


def _dimmed(rgb: RGB, factor: float) -> RGB:
    return (round(rgb[0] * factor), round(rgb[1] * factor), round(rgb[2] * factor))
