from odoo import fields, models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    med_consignor_id = fields.Many2one(
        "res.partner",
        string="Consignor Before Use",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The consignor that owned the unit until this move used it on a patient: "
        "using a consignment unit makes it the hospital's (the consignor bills it).",
    )

    def _med_edi_take_ownership(self):
        """The units of these done lines, used on a patient, become the hospital's: their
        quants at the patient location lose their owner, and so do the lines (the former
        owner is kept in ``med_consignor_id`` for the consignor's reports).

        The lines are rewritten in SQL: the ORM would move the quants back and forth as
        for a corrected done line, giving the consignor its unit back in stock.
        """
        lines = self.filtered(lambda ml: ml.state == "done" and ml.owner_id)
        if not lines:
            return
        Quant = self.env["stock.quant"].sudo()
        for ml in lines.filtered(lambda ml: ml.product_id.is_storable):
            quantity = ml.quantity_product_uom
            Quant._update_available_quantity(
                ml.product_id,
                ml.location_dest_id,
                -quantity,
                lot_id=ml.lot_id,
                package_id=ml.result_package_id,
                owner_id=ml.owner_id,
            )
            Quant._update_available_quantity(
                ml.product_id,
                ml.location_dest_id,
                quantity,
                lot_id=ml.lot_id,
                package_id=ml.result_package_id,
            )
        lines.flush_recordset(["owner_id"])
        self.env.cr.execute(
            """
            UPDATE stock_move_line SET med_consignor_id = owner_id, owner_id = NULL
             WHERE id IN %s
        """,
            [tuple(lines.ids)],
        )
        lines.invalidate_recordset(["owner_id", "med_consignor_id"])
