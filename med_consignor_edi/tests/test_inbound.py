import json
from unittest.mock import patch

from odoo.exceptions import UserError

from .common import ConsignorEdiCommon


class TestInboundPurchaseOrder(ConsignorEdiCommon):
    def test_purchase_order_creates_order_with_every_line(self):
        exchange = self._receive(self._csv(self._po_rows()))
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        order = self.env["purchase.order"].browse(exchange.res_id)
        self.assertEqual(exchange.res_model, "purchase.order")
        self.assertEqual(order.partner_id, self.consignor)
        self.assertEqual(order.partner_ref, "PO-2025-1")
        # found by internal reference, by the consignor's code and by UDI-DI
        self.assertEqual(
            order.order_line.mapped("product_id"), self.stent | self.catheter | self.valve
        )
        self.assertEqual(order.order_line.mapped("product_qty"), [3.0, 5.0, 1.0])
        self.assertEqual(order.order_line.mapped("price_unit"), [1280.0, 350.0, 9000.0])
        self.assertEqual(exchange.message_ident, "PO-1")
        self.assertEqual(exchange.file_format, "csv")
        self.assertEqual(exchange.line_count, 3)
        self.assertEqual(len(exchange.checksum), 64)
        # the consumer mixin links the order back to its message
        self.assertEqual(order.med_edi_exchange_count, 1)
        self.assertEqual(order.med_edi_exchange_ids, exchange)
        self.assertEqual(order.med_edi_backend_id, self.backend)

    def test_analytic_distribution_models_apply_to_the_lines(self):
        """The analytic distribution a model gives the consignor's lines (as purchase's
        compute would, here found once per product) is on each line of that product."""
        plan = self.env["account.analytic.plan"].create({"name": "Departments (EDI test)"})
        cardiology = self.env["account.analytic.account"].create(
            {"name": "Cardiology (EDI test)", "plan_id": plan.id}
        )
        self.env["account.analytic.distribution.model"].create(
            {
                "partner_id": self.consignor.id,
                "product_id": self.stent.id,
                "analytic_distribution": {str(cardiology.id): 100},
            }
        )
        rows = self._po_rows(
            lines=[
                ("STENT-1", "", "", "L1", "2030-01-31", "3", "1280"),
                ("A-CATH", "", "", "L2", "2030-02-28", "5", "350"),
                ("STENT-1", "", "", "L3", "2030-01-31", "1", "1280"),
            ]
        )
        exchange = self._receive(self._csv(rows))
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        lines = self.env["purchase.order"].browse(exchange.res_id).order_line
        self.assertEqual(
            [line.analytic_distribution for line in lines],
            [{str(cardiology.id): 100}, False, {str(cardiology.id): 100}],
        )

    def test_gtin_finds_product_by_barcode(self):
        rows = self._po_rows(lines=[("", "06901234567892", "", "L1", "2030-01-31", "2", "1")])
        exchange = self._receive(self._csv(rows))
        self.assertEqual(exchange.state, "processed")
        self.assertEqual(
            self.env["purchase.order"].browse(exchange.res_id).order_line.product_id, self.stent
        )

    def test_confirmed_order_receipt_belongs_to_consignor(self):
        self.backend.confirm_orders = True
        exchange = self._receive(self._csv(self._po_rows()))
        order = self.env["purchase.order"].browse(exchange.res_id)
        self.assertEqual(order.state, "purchase")
        self.assertEqual(order.picking_ids.owner_id, self.consignor)

    def test_gbk_file_and_json_file_are_read(self):
        exchange = self._receive(self._csv(self._po_rows(), encoding="gbk"))
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        payload = {
            "message_id": "PO-JSON",
            "consignor_code": "C0001",
            "date": "2025-06-01",
            "order_ref": "PO-9",
            "lines": [{"product_code": "STENT-1", "quantity": 4}],
        }
        exchange = self._receive(json.dumps(payload).encode(), filename="po.json")
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        self.assertEqual(exchange.file_format, "json")

    def test_field_mapping_of_the_backend_is_used(self):
        self.backend.field_mapping = json.dumps({"货品ID": "product_code"})
        header = "报文编号,委托方编码,单据日期,订单号,货品ID,数量"
        data = self._csv(["PO-M,C0001,2025-06-01,PO-M,STENT-1,2"], header=header)
        exchange = self._receive(data)
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))


class TestInboundErrors(ConsignorEdiCommon):
    def _assert_error(self, exchange, code):
        self.assertEqual(exchange.state, "error")
        self.assertFalse(exchange.res_id)
        self.assertIn(code, exchange.problem_ids.mapped("code"))
        self.assertTrue(all(exchange.problem_ids.mapped("message")))
        # stored as received, whatever it holds
        self.assertTrue(exchange.attachment_id)

    def test_invalid_lines_list_every_problem_and_create_nothing(self):
        orders = self.env["purchase.order"].search_count([])
        rows = self._po_rows(
            lines=[
                ("STENT-1", "", "", "L1", "2030-13-45", "3", "1"),
                ("NOPE", "", "", "L2", "2030-02-28", "abc", "1"),
                ("CATH-1", "", "", "L3", "2030-02-28", "-2", "1"),
            ]
        )
        exchange = self._receive(self._csv(rows))
        self._assert_error(exchange, "bad_date")
        found = self._problem_fields(exchange)
        self.assertIn((2, "expiry_date", "bad_date"), found)
        self.assertIn((3, "quantity", "bad_decimal"), found)
        self.assertIn((4, "quantity", "not_positive"), found)
        problem = exchange.problem_ids.filtered(lambda p: p.code == "bad_decimal")
        self.assertEqual(problem.value, "abc")
        self.assertIn("abc", problem.message)
        self.assertEqual(self.env["purchase.order"].search_count([]), orders)

    def test_unknown_product_is_an_error_naming_line_field_value(self):
        rows = self._po_rows(
            lines=[
                ("STENT-1", "", "", "L1", "2030-01-31", "1", "1"),
                ("ZZZ-404", "", "", "L2", "2030-01-31", "1", "1"),
            ]
        )
        exchange = self._receive(self._csv(rows))
        self._assert_error(exchange, "unknown_product")
        problem = exchange.problem_ids
        self.assertEqual(
            (problem.line, problem.field, problem.value), (3, "product_code", "ZZZ-404")
        )
        self.assertIn("ZZZ-404", problem.message)
        self.assertFalse(self.env["purchase.order"].search([("partner_ref", "=", "PO-2025-1")]))

    def test_problems_are_translated(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        module = self.env["ir.module.module"].search([("name", "=", "med_consignor_edi")])
        module._update_translations(["zh_CN"])
        rows = self._po_rows(lines=[("ZZZ-404", "", "", "L1", "2030-01-31", "1", "1")])
        exchange = self.backend.with_context(lang="zh_CN")._edi_receive(
            self._csv(rows), "purchase_order"
        )
        message = exchange.problem_ids.message
        self.assertIn("ZZZ-404", message)
        self.assertTrue(any("\u4e00" <= char <= "\u9fff" for char in message), message)

    def test_undecodable_bytes_are_stored_and_refused(self):
        data = b"\x81\x30\xff\xfe\xfd garbage \xff\xff\n\x00\x01"
        exchange = self._receive(data)
        self.assertEqual(exchange.state, "error")
        self.assertEqual(exchange.attachment_id.raw, data)
        self.assertTrue(exchange.problem_ids.message)

    def test_wrong_delimiter(self):
        data = self._csv(
            [row.replace(",", "，") for row in self._po_rows()],
            header=self._csv([])[:-1].decode().replace(",", "，"),
        )
        exchange = self._receive(data)
        self._assert_error(exchange, "bad_delimiter")

    def test_missing_columns(self):
        data = self._csv(
            ["PO-X,C0001,2025-06-01,STENT-1"], header="报文编号,委托方编码,单据日期,商品编码"
        )
        exchange = self._receive(data)
        self.assertEqual(exchange.state, "error")
        self.assertTrue({"missing_columns", "required"} & set(exchange.problem_ids.mapped("code")))

    def test_duplicate_lines(self):
        rows = self._po_rows(
            lines=[
                ("STENT-1", "", "", "L1", "2030-01-31", "1", "1"),
                ("STENT-1", "", "", "L1", "2030-01-31", "2", "1"),
            ]
        )
        exchange = self._receive(self._csv(rows))
        self._assert_error(exchange, "duplicate_line")
        self.assertIn((3, None or False, "duplicate_line"), self._problem_fields(exchange))

    def test_empty_file(self):
        self._assert_error(self._receive(b""), "empty")
        self._assert_error(self._receive(b"  \n\n"), "empty")

    def test_too_large_file(self):
        self.backend.max_file_size = 200
        exchange = self._receive(self._csv(self._po_rows()))
        # refused before it is read: its metadata kept, not its bytes
        self.assertEqual((exchange.state, exchange.problem_ids.code), ("error", "too_large"))
        self.assertFalse(exchange.attachment_id)

    def test_format_not_spoken_by_consignor(self):
        self.backend.format_json = False
        exchange = self._receive(json.dumps({"message_id": "X", "lines": []}).encode())
        self._assert_error(exchange, "format_not_accepted")

    def test_other_consignor_code_is_refused(self):
        rows = [row.replace("C0001", "C0002") for row in self._po_rows()]
        exchange = self._receive(self._csv(rows))
        self._assert_error(exchange, "wrong_consignor")

    def test_correct_and_retry(self):
        bad = self._po_rows(lines=[("ZZZ-404", "", "", "L1", "2030-01-31", "1", "1")])
        exchange = self._receive(self._csv(bad))
        self.assertEqual(exchange.state, "error")
        first_file = exchange.attachment_id
        exchange.action_upload_correction(self._csv(self._po_rows()), "fixed.csv")
        self.assertEqual(exchange.state, "processed")
        self.assertFalse(exchange.problem_ids)
        self.assertTrue(exchange.res_id)
        self.assertNotEqual(exchange.attachment_id, first_file)
        self.assertTrue(first_file.exists(), "the file first received is kept")
        with self.assertRaisesRegex(
            UserError, r"Only an inbound message in error can be corrected"
        ):
            exchange.action_upload_correction(self._csv(self._po_rows()), "again.csv")

    def test_upload_wizard_corrects_message_in_error(self):
        import base64

        bad = self._po_rows(lines=[("ZZZ-404", "", "", "L1", "2030-01-31", "1", "1")])
        exchange = self._receive(self._csv(bad))
        wizard = self.env["med.edi.upload.wizard"].create(
            {
                "backend_id": self.backend.id,
                "exchange_id": exchange.id,
                "message_type": "purchase_order",
                "file": base64.b64encode(self._csv(self._po_rows())),
                "file_name": "fixed.csv",
            }
        )
        wizard.action_upload()
        self.assertEqual(exchange.state, "processed")


class TestDuplicates(ConsignorEdiCommon):
    def test_same_file_twice_is_processed_once(self):
        data = self._csv(self._po_rows())
        first = self._receive(data)
        second = self._receive(data)
        self.assertEqual(first.state, "processed")
        self.assertEqual(second.state, "duplicate")
        self.assertEqual(second.duplicate_of_id, first)
        self.assertFalse(second.res_id)
        self.assertEqual(
            self.env["purchase.order"].search_count([("partner_ref", "=", "PO-2025-1")]), 1
        )

    def test_same_message_id_in_another_file_is_processed_once(self):
        first = self._receive(self._csv(self._po_rows()))
        other_file = self._csv(self._po_rows(), encoding="gbk") + b"\n"
        second = self._receive(other_file, filename="resent.csv")
        self.assertNotEqual(first.checksum, second.checksum)
        self.assertEqual(second.state, "duplicate")
        self.assertEqual(second.duplicate_of_id, first)
        # another consignor may use the same message id
        rows = [row.replace("C0001", "C0002") for row in self._po_rows()]
        self.env["product.supplierinfo"].create(
            {
                "partner_id": self.consignor_b.id,
                "product_tmpl_id": self.catheter.product_tmpl_id.id,
                "product_code": "A-CATH",
            }
        )
        third = self._receive(self._csv(rows), backend=self.backend_b)
        self.assertEqual(third.state, "processed", third.problem_ids.mapped("message"))

    def test_message_in_error_is_not_a_duplicate_source(self):
        bad = self._po_rows(lines=[("ZZZ-404", "", "", "L1", "2030-01-31", "1", "1")])
        self.assertEqual(self._receive(self._csv(bad)).state, "error")
        good = self._receive(self._csv(self._po_rows()))
        self.assertEqual(good.state, "processed")


class TestConcurrentDuplicate(ConsignorEdiCommon):
    def test_same_message_processed_meanwhile_ends_as_duplicate(self):
        """Two deliveries of one message at the same moment: both pass the duplicate
        check before either is stored; the unique index then refuses the second, which
        is recorded as a duplicate (its documents undone), not a failed transaction."""
        first = self._receive(self._csv(self._po_rows()))
        self.assertEqual(first.state, "processed")
        orders = self.env["purchase.order"].search_count([])
        # the same message, other bytes (GBK): only the message id tells it is the same
        second = self.backend._edi_receive(
            self._csv(self._po_rows(), encoding="gbk"), "purchase_order", process=False
        )
        Exchange = type(self.env["med.edi.exchange"])
        real_lookup = Exchange._edi_duplicate_of
        lookups = []

        def racing_lookup(exchange, domain):
            # the first delivery is not committed yet when the second one checks
            lookups.append(domain)
            return exchange.browse() if len(lookups) <= 2 else real_lookup(exchange, domain)

        with patch.object(Exchange, "_edi_duplicate_of", racing_lookup):
            second.action_process()
        self.assertEqual(len(lookups), 3)
        self.assertEqual(second.state, "duplicate")
        self.assertEqual(second.duplicate_of_id, first)
        self.assertEqual(second.problem_ids.mapped("code"), ["duplicate_concurrent"])
        self.assertEqual(second.problem_ids.severity, "warning")
        self.assertIn("PO-1", second.problem_ids.message)
        self.assertEqual(second.message_ident, "PO-1")
        # the second order was undone and the transaction goes on
        self.assertEqual(self.env["purchase.order"].search_count([]), orders)
        self.assertEqual(
            self.env["med.edi.exchange"].search_count(
                [("message_ident", "=", "PO-1"), ("state", "=", "processed")]
            ),
            1,
        )
