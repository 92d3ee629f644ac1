"""medtrace: the pure-Python core of the medical device traceability suite.

Nothing in this package imports Odoo: the Odoo addons, the EDI importers and
the consignors' command line (``python -m medtrace``) share it.
"""

__version__ = "18.0.1.0.0"
