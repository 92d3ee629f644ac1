"""What the imports of HIS files share: the file, its size limit, HL7 or CSV, the
refusal naming the file, and the summary shown when done."""

import base64
import datetime

import pytz
from odoo import _, fields, models
from odoo.exceptions import UserError

from medtrace.his import HisError

from .med_his_messages import HIS_MESSAGES  # noqa: F401  (listed for the .pot)

#: larger files are refused before they are decoded
MAX_BYTES = 20 * 1024 * 1024


class MedHisFileImportMixin(models.AbstractModel):
    _name = "med.his.file.import.mixin"
    _description = "HIS File Import"

    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    summary = fields.Text(readonly=True)

    def _med_his_data(self):
        """The file's bytes, refused when missing or larger than ``MAX_BYTES``."""
        self.ensure_one()
        if not self.file or len(self.file) * 3 // 4 > MAX_BYTES:
            raise UserError(_("Choose a file of at most %(maximum)s MB.", maximum=MAX_BYTES >> 20))
        return base64.b64decode(self.file)

    def _med_his_read(self, data, hl7_reader, csv_reader):
        """``data`` read as HL7 messages (a file starting with MSH, FHS or BHS) or CSV."""
        head = data.lstrip(b"\xef\xbb\xbf\x0b \r\n")[:3]
        try:
            if head in (b"MSH", b"FHS", b"BHS"):
                return hl7_reader(data)
            return csv_reader(data)
        except HisError as error:
            # the templates are listed in med_his_messages for the translation export
            raise UserError(  # pylint: disable=translation-required
                _("%(file)s: ", file=self.filename or _("the file"))
                + _(error.template, **error.params)
            ) from error

    def _med_his_utc(self, value):
        """A time read from the HIS as Odoo stores it (UTC, naive): one with an offset is
        converted; one without is the HIS's local time, taken in the importing user's
        time zone (else the company's)."""
        if not isinstance(value, datetime.datetime):
            return fields.Datetime.to_datetime(value) if value else False
        if value.tzinfo is not None:
            return value.astimezone(pytz.utc).replace(tzinfo=None)
        zone = self.env.user.tz or self.env.company.partner_id.tz or "UTC"
        return pytz.timezone(zone).localize(value).astimezone(pytz.utc).replace(tzinfo=None)

    def _med_his_done(self, summary):
        """Show ``summary`` in the wizard, which stays open."""
        self.write({"state": "done", "summary": summary})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
