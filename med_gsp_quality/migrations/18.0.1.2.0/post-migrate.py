import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    """Anchors the legacy chain: verifies it (legacy entries by their sha256) and, if it
    is intact and the server has a secret, writes the first signed checkpoint of its head
    once the upgrade is committed.  From then on a legacy chain rewritten by SQL no longer
    matches that checkpoint."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    result = env["gsp.audit.log"]._check_chain_and_record()
    _logger.info("GSP audit trail at upgrade to 18.0.1.2.0: %s", result["message"])
