"""Lights for each lighting family (a setting's `lights`) at each time of day, dimmed by weather.

Light kinds are the renderer's: "sun", "moon", "street", "neon", "key", "fill". Outdoor families follow the
sky; indoor and stage lights ignore it; a street or market adds its lamps at dusk and night.
"""

from __future__ import annotations

from mutoscope.backends.procedural.scene import Light

SUN = {
    "dawn": Light("sun", (255, 196, 160), 0.65, 12.0),
    "day": Light("sun", (255, 244, 229), 1.0, 62.0),
    "sunset": Light("sun", (255, 158, 92), 0.75, 8.0),
    "night": Light("moon", (168, 188, 255), 0.25, 55.0),
}
SKY_FILL = {
    "dawn": Light("fill", (190, 180, 230), 0.3, 120.0),
    "day": Light("fill", (185, 210, 255), 0.35, 110.0),
    "sunset": Light("fill", (150, 120, 190), 0.3, 120.0),
    "night": Light("fill", (40, 50, 90), 0.15, 100.0),
}
INDOOR = (Light("key", (255, 236, 210), 0.9, 50.0), Light("fill", (215, 228, 255), 0.4, 150.0))
STAGE = (Light("key", (255, 250, 240), 1.3, 80.0), Light("fill", (120, 90, 200), 0.3, 160.0))
UNDERWATER = (Light("sun", (110, 200, 255), 0.5, 90.0), Light("fill", (20, 80, 140), 0.35, 100.0))
SPACE = (Light("sun", (255, 255, 255), 1.3, 20.0),)
STREET_LAMPS = Light("street", (255, 196, 120), 0.8, 90.0)
NEON = (Light("neon", (255, 60, 200), 0.6, 30.0), Light("neon", (60, 220, 255), 0.5, 150.0))

# Clouds cut the sun; the factor scales every sky light's intensity.
WEATHER_DIMMING: dict[str, float] = {
    "clear": 1.0,
    "wind": 1.0,
    "fog": 0.6,
    "rain": 0.55,
    "snow": 0.7,
    "storm": 0.4,
}
