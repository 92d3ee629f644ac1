"""UDI reading (GS1, HIBCC, ICCBBA ISBT 128, MA IDcode) and writing (GS1, HIBCC), no Odoo.

>>> from medtrace.udi import parse
>>> udi = parse("]d201095060001343521726013110ABC")
>>> udi.gtin, udi.lot, udi.expiry.isoformat()
('09506000134352', 'ABC', '2026-01-31')
"""

from .build import gs1_digital_link, gs1_element_string, gs1_hri, hibcc_string
from .errors import UdiError
from .parser import parse
from .render import render_label
from .result import UdiResult

__all__ = [
    "UdiError",
    "UdiResult",
    "gs1_digital_link",
    "gs1_element_string",
    "gs1_hri",
    "hibcc_string",
    "parse",
    "render_label",
]
