import datetime
import io
import json
import os
from decimal import Decimal

import openpyxl
from odoo import Command, fields

from medtrace.edi.codecs import decode

from .common import ConsignorEdiCommon

STATEMENT_HEADER = "报文编号,委托方编码,单据日期,商品编码,批号,有效期至,数量"


class TestOutbound(ConsignorEdiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot_stent = cls._lot(cls.stent, "L1", datetime.date(2030, 1, 31))
        cls.lot_cath = cls._lot(cls.catheter, "C7", datetime.date(2029, 6, 30))
        cls._consigned(cls.stent, cls.lot_stent, 10)
        cls._consigned(cls.catheter, cls.lot_cath, 4)
        # our own stock and another consignor's are never reported to consignor A
        cls._consigned(cls.valve, cls._lot(cls.valve, "V1"), 7, owner=cls.consignor_b)
        cls.env["stock.quant"]._update_available_quantity(
            cls.stent, cls.stock_location, 5, lot_id=cls._lot(cls.stent, "OWN")
        )

    def _receive_lot(self, picking, lot_name):
        """Receive every move of ``picking`` in full as a new lot."""
        for move in picking.move_ids:
            if move.move_line_ids:
                move.move_line_ids.write({"lot_name": lot_name, "quantity": move.product_uom_qty})
            else:
                move.move_line_ids = [
                    Command.create(
                        {
                            "product_id": move.product_id.id,
                            "quantity": move.product_uom_qty,
                            "lot_name": lot_name,
                            "location_id": move.location_id.id,
                            "location_dest_id": move.location_dest_id.id,
                        }
                    )
                ]
        picking.move_ids.picked = True
        picking.button_validate()

    def _decoded(self, exchange):
        return decode(exchange.attachment_id.raw, exchange.message_type)

    def test_stock_status_lists_only_the_consignors_stock(self):
        exchange = self.backend._edi_send_stock_status()
        self.assertEqual(exchange.state, "generated", exchange.problem_ids.mapped("message"))
        self.assertEqual(exchange.direction, "out")
        message = self._decoded(exchange)
        rows = {
            (line.values["product_code"], line.values["lot"]): line.values for line in message.lines
        }
        self.assertEqual(set(rows), {("STENT-1", "L1"), ("A-CATH", "C7")})
        self.assertEqual(Decimal(rows["STENT-1", "L1"]["quantity"]), 10)
        self.assertEqual(rows["A-CATH", "C7"]["expiry_date"], "2029-06-30")
        self.assertEqual(message.header["consignor_code"], "C0001")

    def test_stock_status_as_of_a_past_time(self):
        before = fields.Datetime.now() - datetime.timedelta(seconds=1)
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.stock_location.id,
                "owner_id": self.consignor.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "in",
                            "product_id": self.valve.id,
                            "product_uom_qty": 2,
                            "product_uom": self.valve.uom_id.id,
                            "location_id": self.env.ref("stock.stock_location_suppliers").id,
                            "location_dest_id": self.stock_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        self._receive_lot(picking, "V-NEW")
        now_lines = self.backend._edi_stock_status_lines()
        self.assertIn("V-NEW", [line["lot"] for line in now_lines])
        past = self.backend._edi_stock_status_lines(at=before)
        self.assertNotIn("V-NEW", [line["lot"] for line in past])
        tomorrow = self.backend._edi_stock_status_lines(
            at=fields.Datetime.now() + datetime.timedelta(days=1)
        )
        self.assertEqual(
            {(line["lot"], line["quantity"]) for line in tomorrow if line["lot"] == "V-NEW"},
            {("V-NEW", 2.0)},
        )

    def test_stock_statement_is_reconciled_and_compared(self):
        rows = [
            "ST-1,C0001,2025-06-01,STENT-1,L1,2030-01-31,8",  # quantity differs
            "ST-1,C0001,2025-06-01,A-CATH,C7,2029-07-31,4",  # expiry differs
            "ST-1,C0001,2025-06-01,VALVE-1,V9,2031-01-01,1",  # missing here
        ]
        exchange = self._receive(self._csv(rows, header=STATEMENT_HEADER), "stock_statement")
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        reconciliation = self.env["med.edi.reconciliation"].browse(exchange.res_id)
        status = {(line.product_id, line.lot_name): line for line in reconciliation.line_ids}
        self.assertEqual(status[self.stent, "L1"].status, "quantity")
        self.assertEqual(status[self.stent, "L1"].difference, 2)
        self.assertEqual(status[self.catheter, "C7"].status, "expiry")
        self.assertEqual(status[self.valve, "V9"].status, "missing_here")
        self.assertEqual(reconciliation.difference_count, 3)
        comparison = reconciliation.comparison_exchange_id
        self.assertEqual(comparison.message_type, "stock_comparison")
        self.assertEqual(comparison.state, "generated", comparison.problem_ids.mapped("message"))
        self.assertEqual(len(self._decoded(comparison).lines), 3)
        # a line the consignor does not know of
        rows = ["ST-2,C0001,2025-06-01,STENT-1,L1,2030-01-31,10"]
        second = self._receive(self._csv(rows, header=STATEMENT_HEADER), "stock_statement")
        lines = self.env["med.edi.reconciliation"].browse(second.res_id).line_ids
        self.assertEqual(
            lines.filtered(lambda line: line.product_id == self.catheter).status, "missing_there"
        )
        self.assertEqual(lines.filtered(lambda line: line.product_id == self.stent).status, "match")

    def test_reconciliation_exports_xlsx(self):
        rows = ["ST-3,C0001,2025-06-01,STENT-1,L1,2030-01-31,8"]
        exchange = self._receive(self._csv(rows, header=STATEMENT_HEADER), "stock_statement")
        reconciliation = self.env["med.edi.reconciliation"].browse(exchange.res_id)
        action = reconciliation.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        values = list(sheet.iter_rows(values_only=True))
        self.assertEqual(len(values), 1 + len(reconciliation.line_ids))
        stent_row = next(row for row in values[1:] if row[1] == "L1")
        self.assertEqual((stent_row[2], stent_row[3], stent_row[4]), (10, 8, 2))

    def test_receipt_confirmation_sent_when_receipt_done(self):
        self.backend.confirm_orders = True
        rows = self._po_rows(lines=[("STENT-1", "", "", "", "", "3", "1")])
        exchange = self._receive(self._csv(rows))
        order = self.env["purchase.order"].browse(exchange.res_id)
        picking = order.picking_ids
        self._receive_lot(picking, "NEWLOT")
        self.assertEqual(picking.state, "done")
        confirmation = picking.med_edi_exchange_ids
        self.assertEqual(confirmation.message_type, "receipt_confirmation")
        self.assertEqual(
            confirmation.state, "generated", confirmation.problem_ids.mapped("message")
        )
        message = self._decoded(confirmation)
        self.assertEqual(message.header["order_ref"], "PO-2025-1")
        self.assertEqual(
            [(line.values["lot"], Decimal(line.values["quantity"])) for line in message.lines],
            [("NEWLOT", 3)],
        )
        # the goods received stay the consignor's
        quant = self.env["stock.quant"].search([("lot_id.name", "=", "NEWLOT")])
        self.assertEqual(quant.owner_id, self.consignor)

    def test_scheduled_confirmation_waits_for_the_job_and_folder_channel(self):
        with self._edi_tempdir() as folder:
            inbox, outbox = os.path.join(folder, "in"), os.path.join(folder, "out")
            os.makedirs(inbox)
            self.backend.write(
                {
                    "channel": "folder",
                    "inbox_path": inbox,
                    "outbox_path": outbox,
                    "send_shipment_confirmation": "scheduled",
                    "send_logistics_status": "never",
                }
            )
            header = "报文编号,委托方编码,单据日期,订单号,客户编码,商品编码,批号,数量"
            with open(os.path.join(inbox, "sales_order_1.csv"), "wb") as handle:
                handle.write(
                    self._csv(["SO-9,C0001,2025-06-01,O-9,K0001,STENT-1,L1,2"], header=header)
                )
            with open(os.path.join(inbox, "sales_order_2.csv"), "wb") as handle:
                handle.write(b"\xff\xfe\x00garbage")
            self.env["med.edi.backend"]._cron_folder_exchange()
            self.assertEqual(
                sorted(os.listdir(os.path.join(inbox, "processed"))), ["sales_order_1.csv"]
            )
            self.assertEqual(os.listdir(os.path.join(inbox, "error")), ["sales_order_2.csv"])
            exchanges = self.backend.exchange_ids.filtered(lambda e: e.channel == "folder")
            self.assertEqual(sorted(exchanges.mapped("state")), ["error", "processed"])
            picking = self.env["stock.picking"].browse(
                exchanges.filtered(lambda e: e.state == "processed").res_id
            )
            # a storekeeper without any EDI right ships it
            self._create_picking_done(picking.with_user(self.user_storekeeper))
            self.assertTrue(picking.med_edi_confirmation_pending)
            outbound = self._exchanges(
                [("direction", "=", "out"), ("res_model", "=", "stock.picking")]
            )
            self.assertFalse(outbound)
            self.env["med.edi.backend"]._cron_folder_exchange()
            self.assertFalse(picking.med_edi_confirmation_pending)
            confirmation = picking.med_edi_exchange_ids.filtered(lambda e: e.direction == "out")
            self.assertEqual(confirmation.message_type, "shipment_confirmation")
            self.assertEqual(confirmation.state, "sent")
            self.assertEqual(os.listdir(outbox), [confirmation.file_name])

    def test_recall_notifies_the_consignor_of_its_units(self):
        other_lot = self._lot(self.stent, "OTHER")
        exchanges = (self.backend | self.backend_b)._edi_notify_recall(
            self.lot_stent | other_lot, reason="FSCA-2025-01"
        )
        self.assertEqual(exchanges.backend_id, self.backend)
        message = self._decoded(exchanges)
        self.assertEqual(
            [(line.values["lot"], line.values["stock_status"]) for line in message.lines],
            [("L1", "blocked")],
        )
        self.assertIn("FSCA-2025-01", message.header["note"])

    def test_using_a_consignment_unit_buys_it(self):
        patient = self.company._med_patient_location()
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.stock_location.id,
                "location_dest_id": patient.id,
                "owner_id": self.consignor.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "use",
                            "product_id": self.catheter.id,
                            "product_uom_qty": 1,
                            "product_uom": self.catheter.uom_id.id,
                            "location_id": self.stock_location.id,
                            "location_dest_id": patient.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        self._create_picking_done(picking)
        order = self.env["purchase.order"].search(
            [("med_edi_backend_id", "=", self.backend.id), ("origin", "=", "consignment-use")]
        )
        self.assertEqual(order.partner_id, self.consignor)
        self.assertEqual(order.order_line.product_id, self.catheter)
        self.assertEqual(order.order_line.product_qty, 1)
        self.assertEqual(order.order_line.price_unit, 350.0)
        self.assertIn("C7", order.order_line.name)
        # our own units used on patients buy nothing
        self.backend_b.bill_on_use = "none"
        self.assertEqual(
            self.env["purchase.order"].search_count([("partner_id", "=", self.consignor_b.id)]), 0
        )

    def test_outbound_error_keeps_record_with_problems(self):
        self.backend.our_code = False
        self.company.name = "H"
        exchange = self.backend._edi_generate(
            "usage_report",
            self.backend._edi_header(partner_code=None),
            [{"product_code": "X", "quantity": 1}],
        )
        self.assertEqual(exchange.state, "error")
        self.assertIn("partner_code", exchange.problem_ids.mapped("field"))
        self.assertFalse(exchange.attachment_id)

    def test_outbound_json_format(self):
        self.backend.outbound_format = "json"
        exchange = self.backend._edi_send_stock_status()
        payload = json.loads(exchange.attachment_id.raw)
        self.assertEqual(len(payload["lines"]), 2)

    def test_gain_loss_and_usage_report_for_a_period(self):
        start = fields.Datetime.now() - datetime.timedelta(minutes=1)
        quant = self.env["stock.quant"].search([("lot_id", "=", self.lot_stent.id)])
        quant.with_context(inventory_mode=True).write({"inventory_quantity": 9})
        quant.action_apply_inventory()
        self.test_using_a_consignment_unit_buys_it()
        end = fields.Datetime.now() + datetime.timedelta(minutes=1)
        gain_loss = self.backend._edi_send_gain_loss(start, end)
        self.assertEqual(gain_loss.state, "generated", gain_loss.problem_ids.mapped("message"))
        lines = self._decoded(gain_loss).lines
        self.assertEqual(
            [
                (line.values["lot"], line.values["direction"], Decimal(line.values["quantity"]))
                for line in lines
            ],
            [("L1", "loss", 1)],
        )
        usage = self.backend._edi_send_usage_report(start, end)
        self.assertEqual(usage.state, "generated", usage.problem_ids.mapped("message"))
        lines = self._decoded(usage).lines
        self.assertEqual(
            [(line.values["lot"], Decimal(line.values["unit_price"])) for line in lines],
            [("C7", 350)],
        )

    def test_opening_a_recall_notifies_consignors_owning_the_units(self):
        self.consignor.email = "edi@consignor.example"
        recall = self.env["med.recall"].create(
            {
                "reason": "Coating defect",
                "reference": "FSCA-2025-07",
                "lot_ids": [Command.set(self.lot_stent.ids)],
            }
        )
        recall.with_user(self.user_manager).action_open()
        self.assertTrue(recall.supplier_notified)
        exchange = recall.med_edi_exchange_ids
        self.assertEqual(exchange.backend_id, self.backend)
        message = self._decoded(exchange)
        self.assertEqual(
            {(line.values["lot"], line.values["stock_status"]) for line in message.lines},
            {("L1", "blocked")},
        )
        self.assertIn("FSCA-2025-07", message.header["note"])
        # reached through its backend, the consignor gets no email besides
        self.assertFalse(
            recall.message_ids.filtered(lambda m: self.backend.partner_id in m.partner_ids)
        )
        # a recall of our own units notifies no consignor
        own = self.env["stock.lot"].search([("name", "=", "OWN")])
        recall = self.env["med.recall"].create(
            {"reason": "Own stock", "lot_ids": [Command.set(own.ids)]}
        )
        recall.with_user(self.user_manager).action_open()
        self.assertFalse(recall.supplier_notified)
        self.assertFalse(recall.med_edi_exchange_ids)
