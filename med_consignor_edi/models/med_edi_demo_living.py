import json

from odoo import api, fields, models


class MedEdiDemoLiving(models.AbstractModel):
    """The consignor's side of the demo hospital on the day it is installed (the demo
    data calls ``med.edi.demo.living._edi_load_demo_living``): the goods of the
    consignor's purchase order file received into consignment stock (its receipt
    confirmation goes out), the stock held reported to it, and its stock statement of
    the day received and compared."""

    _name = "med.edi.demo.living"
    _description = "Consignor EDI Demo: Exchanged Files"

    @api.model
    def _edi_load_demo_living(self, backend_id, lots):
        """``lots``: ``{product default code: lot name}``, as the delivery note of the
        consignor's order gives them to the storekeeper."""
        backend = self.env["med.edi.backend"].browse(backend_id)
        storekeeper = self.env.ref("med_device_stock.res_users_storekeeper_demo")
        order = self.env["med.edi.exchange"].search(
            [
                ("backend_id", "=", backend.id),
                ("direction", "=", "in"),
                ("message_type", "=", "purchase_order"),
                ("state", "=", "processed"),
                ("res_model", "=", "purchase.order"),
            ],
            limit=1,
        )
        pickings = (
            self.env["purchase.order"]
            .browse(order.res_id)
            .picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        )
        pickings.ensure_one()  # the demo order's receipt, to do
        for move in pickings.move_ids:
            move.move_line_ids.write(
                {"lot_name": lots[move.product_id.default_code], "picked": True}
            )
        pickings.with_user(storekeeper).button_validate()
        backend._edi_send_stock_status()
        # the consignor's own figures of the day: two balloons more than we hold
        held = backend._edi_stock_lines()
        codes = backend._edi_product_values(
            self.env["product.product"].union(*(row["product"] for row in held))
        )
        statement = {
            "message_id": f"{backend.consignor_code}-ST-{fields.Date.today():%Y%m%d}",
            "consignor_code": backend.consignor_code,
            "date": fields.Date.to_string(fields.Date.today()),
            "lines": [
                {
                    "product_code": codes[row["product"]]["product_code"],
                    "lot": row["lot"].name,
                    "quantity": row["quantity"]
                    + (2 if row["product"].default_code == "DEMO-BALLOON" else 0),
                }
                for row in held
            ],
        }
        backend._edi_receive(
            json.dumps(statement, ensure_ascii=False),
            "stock_statement",
            filename="stock_statement_sup001.json",
        )
        return True
