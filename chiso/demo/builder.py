"""Build the Đà Nẵng demo (placeholder until the builder lands)."""

from chiso.indicators.catalogue import load_catalogue
from chiso.units.loaders import load_reference


def build_demo() -> None:
    load_reference()
    load_catalogue()
