# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.exceptions import AccessError
from odoo.http import content_disposition, request


class MedLabelController(http.Controller):
    """Download a unit's UDI label in ZPL II for a Zebra printer (scan station link)."""

    @http.route(
        "/med_device_stock/label/<int:lot_id>.zpl",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=True,
    )
    def med_label_zpl(self, lot_id):
        """The ZPL label of unit ``lot_id`` as the logged-in user may read it.

        A unit the user cannot read (access rights, record rules, another company)
        answers 404 like one that does not exist, so its existence is not revealed.
        A unit without GS1 data answers 400 with the reason.
        """
        lot = request.env["stock.lot"].browse(lot_id).exists()
        try:
            lot.check_access("read")
        except AccessError:
            lot = lot.browse()
        if not lot:
            raise request.not_found()
        zpl = lot._med_zpl()
        return request.make_response(
            zpl.encode("utf-8"),
            headers=[
                ("Content-Type", "application/zpl; charset=utf-8"),
                ("Content-Disposition", content_disposition(f"{lot.name}.zpl")),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
