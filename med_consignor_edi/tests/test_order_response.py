"""A consignor's order response (ORDRSP) recorded on the hospital's order (issue 14)."""

import datetime
from decimal import Decimal

from odoo import Command
from odoo.tests import tagged

from medtrace import edi

from .common import ConsignorEdiCommon


@tagged("post_install", "-at_install")
class TestOrderResponseReceived(ConsignorEdiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend.format_edifact = True
        cls.order = cls.env["purchase.order"].create(
            {
                "partner_id": cls.consignor.id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.stent.id, "product_qty": 3, "price_unit": 1280}
                    ),
                    Command.create(
                        {"product_id": cls.catheter.id, "product_qty": 10, "price_unit": 350}
                    ),
                ],
            }
        )
        cls.order.button_confirm()

    def _response(self, order_ref=None, code="changed", lines=None, number="OR-1"):
        header = {
            "message_id": number,
            "consignor_code": "C0001",
            "partner_code": "H0001",
            "date": datetime.date(2025, 6, 2),
            "order_ref": order_ref or self.order.name,
            "response_code": code,
            "note": "Catheters: 6 more next month",
        }
        lines = (
            lines
            if lines is not None
            else [
                {
                    "line_no": 1,
                    "product_code": "STENT-1",
                    "line_action": "accepted",
                    "ordered_quantity": Decimal("3"),
                    "quantity": Decimal("3"),
                    "delivery_date": datetime.date(2025, 6, 5),
                },
                {
                    "line_no": 2,
                    "product_code": "A-CATH",
                    "line_action": "changed",
                    "ordered_quantity": Decimal("10"),
                    "quantity": Decimal("4"),
                    "delivery_date": datetime.date(2025, 6, 9),
                },
            ]
        )
        message = edi.Message(
            "order_response", header, [edi.Line(n, v) for n, v in enumerate(lines, start=2)]
        )
        return edi.encode(message, "edifact")

    def test_response_is_recorded_on_the_order_without_changing_it(self):
        exchange = self._receive(self._response(), "order_response", filename="ordrsp.edi")
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        self.assertEqual((exchange.res_model, exchange.res_id), ("purchase.order", self.order.id))
        self.assertEqual(
            (self.order.med_edi_response, self.order.med_edi_response_date),
            ("changed", datetime.date(2025, 6, 2)),
        )
        stent_line, catheter_line = self.order.order_line.sorted("sequence")
        self.assertEqual(
            (stent_line.med_edi_line_action, stent_line.med_edi_confirmed_qty), ("accepted", 3.0)
        )
        self.assertEqual(
            (catheter_line.med_edi_line_action, catheter_line.med_edi_confirmed_qty),
            ("changed", 4.0),
        )
        self.assertEqual(catheter_line.product_qty, 10.0, "the buyer decides the quantity")
        self.assertEqual(catheter_line.date_planned.date(), datetime.date(2025, 6, 9))
        note = self.order.message_ids[:1]
        self.assertIn("OR-1", note.body)
        self.assertIn("4.0 of 10.0 confirmed", note.body)
        self.assertIn("Catheters: 6 more next month", note.body)

    def test_response_to_an_unknown_order_is_refused(self):
        exchange = self._receive(
            self._response(order_ref="PO-NOT-OURS"), "order_response", filename="ordrsp.edi"
        )
        self.assertEqual(exchange.state, "error")
        problem = exchange.problem_ids.filtered(lambda p: p.code == "unknown_order")
        self.assertIn("PO-NOT-OURS", problem.message)
        self.assertIn("Consignor A Medical", problem.message)

    def test_another_consignors_order_is_unknown_to_it(self):
        other = self.env["purchase.order"].create(
            {
                "partner_id": self.consignor_b.id,
                "order_line": [Command.create({"product_id": self.stent.id, "product_qty": 1})],
            }
        )
        exchange = self._receive(
            self._response(order_ref=other.name), "order_response", filename="ordrsp.edi"
        )
        self.assertEqual(exchange.state, "error")
        self.assertEqual(
            exchange.problem_ids.filtered(lambda p: p.severity == "error").code, "unknown_order"
        )
        self.assertFalse(other.med_edi_response)

    def test_a_product_not_ordered_refuses_the_response(self):
        exchange = self._receive(
            self._response(
                lines=[
                    {
                        "line_no": 1,
                        "product_code": "VALVE-1",
                        "line_action": "added",
                        "quantity": Decimal("1"),
                    }
                ]
            ),
            "order_response",
            filename="ordrsp.edi",
        )
        self.assertEqual(exchange.state, "error")
        problem = exchange.problem_ids.filtered(lambda p: p.code == "product_not_on_order")
        self.assertIn(self.order.name, problem.message)
        self.assertFalse(self.order.med_edi_response, "nothing half-written")
