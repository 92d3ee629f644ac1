import base64
import csv
import io

from odoo import _, fields, models
from odoo.exceptions import UserError

from medtrace.udi import UdiError, parse


class MedCountImport(models.TransientModel):
    """Upload the scans a handheld recorded offline: a CSV file of lines
    ``raw UDI, time (ISO 8601, UTC), operator login``."""

    _name = "med.count.import"
    _description = "Import Offline Count Scans"

    count_id = fields.Many2one("med.count", required=True)
    file = fields.Binary(string="Scans File (CSV)", required=True)
    filename = fields.Char()

    def _med_rows(self):
        try:
            text = base64.b64decode(self.file).decode("utf-8-sig")
        except (ValueError, UnicodeDecodeError) as error:
            raise UserError(
                _(
                    "Scans file %(file)s is not a UTF-8 CSV file: %(error)s",
                    file=self.filename or "-",
                    error=error,
                )
            ) from error
        rows = []
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if (
                not row
                or not row[0].strip()
                or (number == 1 and row[0].strip().lower() in ("raw", "udi", "raw udi"))
            ):
                continue
            if len(row) < 3:
                raise UserError(
                    _(
                        "Scans file %(file)s, line %(line)s: expected raw UDI, time "
                        "and operator login, got %(value)s.",
                        file=self.filename or "-",
                        line=number,
                        value=",".join(row),
                    )
                )
            rows.append((number, row[0].strip(), row[1].strip(), row[2].strip()))
        return rows

    def action_import(self):
        """Parse every line first; nothing is recorded when a line is wrong."""
        self.ensure_one()
        count = self.count_id
        count._med_check_state("in_progress")
        rows = self._med_rows()
        logins = {login for _n, _r, _t, login in rows}
        users = {
            user.login: user.id
            for user in self.env["res.users"].sudo().search([("login", "in", list(logins))])
        }
        parsed_rows = []
        errors = []
        for number, raw, time, login in rows:
            try:
                parsed = parse(raw)
            except UdiError as error:
                errors.append(
                    _(
                        "line %(line)s: %(error)s",
                        line=number,
                        error=_(error.template, **error.params),
                    )
                )  # pylint: disable=translation-required
                continue
            try:
                date = fields.Datetime.to_datetime(time.replace("T", " ").rstrip("Z")[:19])
            except ValueError:
                date = None
            if not date:
                errors.append(
                    _(
                        "line %(line)s: time %(value)s is not a date and time.",
                        line=number,
                        value=time,
                    )
                )
                continue
            if login not in users:
                errors.append(
                    _("line %(line)s: no user has the login %(value)s.", line=number, value=login)
                )
                continue
            parsed_rows.append((number, raw, parsed, date, users[login]))
        # units: one search for the identifiers, one for the lots
        dis = (
            self.env["med.product.di"]
            .sudo()
            .search([("di", "in", list({p.di for _n, _r, p, _d, _u in parsed_rows}))])
        )
        by_di = {d.di: d for d in dis}
        names = {p.serial or p.lot for _n, _r, p, _d, _u in parsed_rows}
        lots = (
            self.env["stock.lot"]
            .sudo()
            .search([("product_id", "in", dis.product_id.ids), ("name", "in", list(names))])
        )
        by_key = {(lot.product_id.id, lot.name): lot for lot in lots}
        scans = []
        for number, raw, parsed, date, user_id in parsed_rows:
            identifier = by_di.get(parsed.di)
            if not identifier:
                errors.append(
                    _(
                        "line %(line)s: no device product has the identifier %(value)s.",
                        line=number,
                        value=parsed.di,
                    )
                )
                continue
            product = identifier.product_id
            name = parsed.serial if product.tracking == "serial" else parsed.lot
            lot = by_key.get((product.id, name))
            if not lot:
                errors.append(
                    _("line %(line)s: unit %(value)s is unknown.", line=number, value=name or raw)
                )
                continue
            # the label must agree with the unit recorded (lot, expiry, manufacturing
            # date), as for a scan made online
            disagreements = lot._med_udi_disagreements(parsed)
            if disagreements:
                errors.extend(
                    _("line %(line)s: %(error)s", line=number, error=message)
                    for message in disagreements
                )
                continue
            quantity = (
                1.0
                if product.tracking == "serial"
                else identifier.quantity * (parsed.quantity or 1)
            )
            scans.append(
                {
                    "lot_id": lot.id,
                    "raw": raw,
                    "date": date,
                    "user_id": user_id,
                    "quantity": quantity,
                    "source": "file",
                }
            )
        if errors:
            raise UserError(
                _(
                    "Scans file %(file)s was not imported:\n%(errors)s",
                    file=self.filename or "-",
                    errors="\n".join(errors[:20]),
                )
            )
        count._med_record_scans(scans)
        return {"type": "ir.actions.act_window_close"}
