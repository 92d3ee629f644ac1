"""Load a UDI database download (NMPA UDID XML, FDA GUDID delimited) into med.udi.record."""

import base64
import os
import tempfile
from pathlib import Path

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from medtrace.udid import UdidError, read

from ..models.med_udid_messages import UDID_MESSAGES  # noqa: F401  (listed for the .pot)

#: problems kept for the summary; the count of the others is given
MAX_PROBLEMS = 50
#: base64 characters decoded at a time (a multiple of 4)
_DECODE_SLICE = 4 << 20


class MedUdiRecordImport(models.TransientModel):
    _name = "med.udi.record.import"
    _description = "Import UDI Database Records"

    source = fields.Selection(
        [("auto", "Recognise"), ("nmpa", "NMPA UDI Database"), ("gudid", "FDA GUDID")],
        default="auto",
        required=True,
    )
    file = fields.Binary(string="Download File", attachment=False)
    filename = fields.Char()
    server_path = fields.Char(
        help="Administrators: a file or folder on the server (for downloads too large to "
        "upload): an NMPA .xml or .zip, a GUDID release .zip, folder or device.txt.",
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    summary = fields.Text(readonly=True)

    def _med_check_access(self):
        self.env["med.udi.record"].check_access("create")
        if self.server_path and not self.env.user.has_group("base.group_system"):
            raise AccessError(_("Only administrators may import a file from the server."))

    def action_import(self):
        self.ensure_one()
        self._med_check_access()
        if not self.file and not self.server_path:
            raise UserError(_("Upload a UDI database file or give its path on the server."))
        if self.server_path:
            return self._med_import_path(Path(self.server_path), Path(self.server_path).name)
        suffix = Path(self.filename or "upload.xml").suffix or ".xml"
        with tempfile.TemporaryDirectory(prefix="med-udid-") as folder:
            path = Path(folder) / f"upload{suffix}"
            encoded = self.file
            with path.open("wb") as out:
                for start in range(0, len(encoded), _DECODE_SLICE):
                    out.write(base64.b64decode(encoded[start : start + _DECODE_SLICE]))
            del encoded
            return self._med_import_path(path, self.filename or path.name)

    def _med_import_path(self, path, file_name):
        problems = []
        source = None if self.source == "auto" else self.source
        try:
            if not os.path.exists(path):
                raise UdidError("not_found", file=file_name)
            devices = read(path, source=source, name=file_name, on_error=problems.append)
            stats = self.env["med.udi.record"]._med_load(devices, file_name)
        except UdidError as error:
            # the templates are listed in med_udi_messages for the translation export
            raise UserError(_(error.template, **error.params)) from error  # pylint: disable=translation-required
        lines = [
            _(
                "%(file)s: %(read)s records read, %(inserted)s new, %(updated)s changed, "
                "%(unchanged)s unchanged, %(skipped)s skipped.",
                file=file_name,
                skipped=len(problems),
                **stats,
            )
        ]
        for problem in problems[:MAX_PROBLEMS]:
            lines.append(_(problem.template, **problem.params))  # pylint: disable=translation-required
        if len(problems) > MAX_PROBLEMS:
            lines.append(_("… and %(count)s more problems.", count=len(problems) - MAX_PROBLEMS))
        self.write({"state": "done", "summary": "\n".join(lines), "file": False})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_records(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "med_device_stock.med_udi_record_action"
        )
