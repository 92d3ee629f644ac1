"""18.0.1.1.0: exchanges keep their file's name and size themselves (a file refused for
its size has no attachment); folder paths are relative to the EDI folder root."""

import logging
import os

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    cr.execute("""
        UPDATE med_edi_exchange e
           SET file_name = a.name, file_size = a.file_size
          FROM ir_attachment a
         WHERE a.id = e.attachment_id AND e.file_name IS NULL
    """)
    env = api.Environment(cr, SUPERUSER_ID, {})
    backends = (
        env["med.edi.backend"]
        .with_context(active_test=False)
        .search(["|", ("inbox_path", "!=", False), ("outbox_path", "!=", False)])
    )
    for backend in backends:
        root = backend._edi_folder_root()
        for field in ("inbox_path", "outbox_path"):
            value = backend[field]
            if not value or not os.path.isabs(value):
                continue
            real = os.path.realpath(value)
            if real == root or os.path.commonpath([root, real]) == root:
                cr.execute(
                    f"UPDATE med_edi_backend SET {field} = %s WHERE id = %s",
                    (os.path.relpath(real, root), backend.id),
                )
            else:
                _logger.warning(
                    "EDI backend %s: %s %s is outside the EDI folder root %s; the scheduled "
                    "job leaves it alone until an EDI manager gives a folder inside the root",
                    backend.name,
                    field,
                    value,
                    root,
                )
