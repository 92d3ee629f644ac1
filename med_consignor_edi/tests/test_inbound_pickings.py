import datetime

from .common import ConsignorEdiCommon

RETURN_HEADER = "报文编号,委托方编码,单据日期,订单号,客户编码,商品编码,批号,有效期至,数量"


class TestInboundPickings(ConsignorEdiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot_stent = cls._lot(cls.stent, "L1", datetime.date(2030, 1, 31))
        cls._consigned(cls.stent, cls.lot_stent, 10)

    def _rows(self, message_id, lines, customer="K0001"):
        return [
            ",".join((message_id, "C0001", "2025-06-01", "ORD-" + message_id, customer, *line))
            for line in lines
        ]

    def test_purchase_return_creates_outgoing_transfer_of_consignor_stock(self):
        header = RETURN_HEADER.replace("客户编码,", "")
        rows = ["PR-1,C0001,2025-06-01,RET-1,STENT-1,L1,2030-01-31,2"]
        exchange = self._receive(self._csv(rows, header=header), "purchase_return")
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        picking = self.env["stock.picking"].browse(exchange.res_id)
        self.assertEqual(picking.picking_type_code, "outgoing")
        self.assertEqual(picking.owner_id, self.consignor)
        self.assertEqual(picking.partner_id, self.consignor)
        self.assertEqual(picking.move_ids.product_uom_qty, 2)
        picking.action_assign()
        self.assertEqual(picking.move_line_ids.owner_id, self.consignor)
        self.assertEqual(picking.move_line_ids.lot_id, self.lot_stent)

    def test_sales_order_ships_from_consignor_stock_to_customer(self):
        exchange = self._receive(
            self._csv(
                self._rows("SO-1", [("STENT-1", "L1", "2030-01-31", "4")]), header=RETURN_HEADER
            ),
            "sales_order",
        )
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        picking = self.env["stock.picking"].browse(exchange.res_id)
        self.assertEqual(picking.picking_type_code, "outgoing")
        self.assertEqual(picking.partner_id, self.customer)
        self.assertEqual(picking.owner_id, self.consignor)
        self.assertEqual(picking.med_edi_order_ref, "ORD-SO-1")

    def test_sales_return_creates_incoming_transfer(self):
        exchange = self._receive(
            self._csv(
                self._rows("SR-1", [("STENT-1", "L1", "2030-01-31", "1")]), header=RETURN_HEADER
            ),
            "sales_return",
        )
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        picking = self.env["stock.picking"].browse(exchange.res_id)
        self.assertEqual(picking.picking_type_code, "incoming")
        self.assertEqual(picking.owner_id, self.consignor)

    def test_unknown_customer_lot_and_expiry_mismatch_are_errors(self):
        rows = self._rows(
            "SO-2",
            [("STENT-1", "NOLOT", "2030-01-31", "1"), ("STENT-1", "L1", "2031-05-01", "1")],
            customer="K9999",
        )
        exchange = self._receive(self._csv(rows, header=RETURN_HEADER), "sales_order")
        self.assertEqual(exchange.state, "error")
        found = self._problem_fields(exchange)
        self.assertIn((2, "customer_code", "unknown_customer"), found)
        self.assertIn((2, "lot", "unknown_lot"), found)
        self.assertIn((3, "expiry_date", "lot_expiry_mismatch"), found)
        mismatch = exchange.problem_ids.filtered(lambda p: p.code == "lot_expiry_mismatch")
        self.assertIn("2030-01-31", mismatch.message)
        self.assertFalse(self.env["stock.picking"].search([("origin", "=", "ORD-SO-2")]))

    def test_gsp_locked_consignor_makes_the_message_an_error(self):
        if "gsp_enforce" not in self.company._fields:
            self.skipTest("med_gsp_quality has no business check yet")
        category = self.env["product.category"].create(
            {"name": "Regulated implants", "gsp_regulated": True}
        )
        self.stent.categ_id = category
        self.company.gsp_enforce = True
        rows = self._po_rows(lines=[("STENT-1", "", "", "L1", "2030-01-31", "3", "1")])
        exchange = self._receive(self._csv(rows))
        self.assertEqual(exchange.state, "error")
        gsp = exchange.problem_ids.filtered(lambda p: p.code == "gsp_refused")
        self.assertTrue(gsp)
        self.assertFalse(self.env["purchase.order"].search([("partner_ref", "=", "PO-2025-1")]))

    def test_order_naming_a_lot_reserves_exactly_that_lot_of_the_consignor(self):
        lot_2 = self._lot(self.stent, "L2", datetime.date(2031, 1, 31))
        self._consigned(self.stent, lot_2, 5)
        # our own stent units, received first, which FIFO would otherwise take
        own = self._lot(self.stent, "OWN", datetime.date(2029, 1, 31))
        self.env["stock.quant"]._update_available_quantity(
            self.stent, self.stock_location, 20, lot_id=own, in_date=datetime.datetime(2020, 1, 1)
        )
        exchange = self._receive(
            self._csv(
                self._rows("SO-L", [("STENT-1", "L2", "2031-01-31", "3")]), header=RETURN_HEADER
            ),
            "sales_order",
        )
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        picking = self.env["stock.picking"].browse(exchange.res_id)
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(
            [(ml.lot_id, ml.owner_id, ml.quantity) for ml in picking.move_line_ids],
            [(lot_2, self.consignor, 3.0)],
        )
        # without a lot, only the consignor's units are reserved, never ours
        exchange = self._receive(
            self._csv(self._rows("SO-N", [("STENT-1", "", "", "12")]), header=RETURN_HEADER),
            "sales_order",
        )
        picking = self.env["stock.picking"].browse(exchange.res_id)
        self.assertEqual(set(picking.move_line_ids.mapped("owner_id")), {self.consignor})
        self.assertNotIn(own, picking.move_line_ids.lot_id)
        self.assertEqual(sum(picking.move_line_ids.mapped("quantity")), 12)

    def test_return_naming_a_lot_is_received_as_that_lot(self):
        exchange = self._receive(
            self._csv(
                self._rows("SR-L", [("STENT-1", "L1", "2030-01-31", "1")]), header=RETURN_HEADER
            ),
            "sales_return",
        )
        picking = self.env["stock.picking"].browse(exchange.res_id)
        picking.action_assign()
        self.assertEqual(picking.move_line_ids.lot_id, self.lot_stent)
        self._create_picking_done(picking)
        self.assertEqual(picking.move_line_ids.mapped("owner_id"), self.consignor)
