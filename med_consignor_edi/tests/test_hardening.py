"""Issue 12: folder channels stay in the EDI root, refused files are kept as metadata,
exchanges are recorded by the system only, a consignor reaches its own records only, and
exports carry no formula."""

import base64
import io
import os

import openpyxl
from odoo import Command
from odoo.exceptions import AccessError, ValidationError

from .common import ConsignorEdiCommon

FORMULAS = ['=HYPERLINK("http://evil","click")', "=cmd|' /C calc'!A0", "@SUM(A1:A9)", "+1", "-1+2"]
DENIED = "doesn't have 'read' access|not allowed to access"


class TestFolderRoot(ConsignorEdiCommon):
    def test_folders_outside_the_root_are_refused_on_save(self):
        root = self.backend._edi_folder_root()
        os.makedirs(root, exist_ok=True)
        link = os.path.join(root, "escape-link")
        if not os.path.islink(link):
            os.symlink("/etc", link)
        manager_backend = self.backend.with_user(self.user_edi_manager)
        for field in ("inbox_path", "outbox_path"):
            for value in (
                "/etc",
                "../../..",
                "/tmp",
                "in/../../x",
                "escape-link",
                "escape-link/cron.d",
            ):
                with (
                    self.subTest(field=field, value=value),
                    self.assertRaisesRegex(
                        ValidationError,
                        f"{field.split('_')[0].title()}.*{value}.*outside the EDI folder root",
                    ),
                ):
                    manager_backend.write(
                        {
                            "channel": "folder",
                            "inbox_path": "in",
                            "outbox_path": "out",
                            field: value,
                        }
                    )

    def test_relative_and_absolute_folders_inside_the_root_are_accepted(self):
        root = self.backend._edi_folder_root()
        self.backend.write(
            {
                "channel": "folder",
                "inbox_path": "a/in",
                "outbox_path": os.path.join(root, "a", "out"),
            }
        )
        self.assertEqual(self.backend._edi_folder("inbox_path"), os.path.join(root, "a", "in"))

    def test_a_folder_swapped_for_a_link_after_saving_is_not_used(self):
        with self._edi_tempdir() as folder:
            inbox, outbox = os.path.join(folder, "in"), os.path.join(folder, "out")
            os.makedirs(inbox)
            self.backend.write({"channel": "folder", "inbox_path": inbox, "outbox_path": outbox})
            os.rmdir(inbox)
            os.symlink("/etc", inbox)
            os.symlink("/tmp", outbox)
            self.assertFalse(self.backend._edi_read_inbox())
            with self.assertRaisesRegex(ValidationError, "outside the EDI folder root"):
                self.backend._edi_write_outbox("x.csv", b"x")
            self.assertFalse(os.path.exists("/tmp/x.csv.part"))

    def test_links_in_the_inbox_are_not_followed(self):
        with self._edi_tempdir() as folder:
            inbox = os.path.join(folder, "in")
            os.makedirs(inbox)
            os.symlink("/etc/passwd", os.path.join(inbox, "purchase_order_passwd.csv"))
            self.backend.write(
                {
                    "channel": "folder",
                    "inbox_path": inbox,
                    "outbox_path": os.path.join(folder, "out"),
                }
            )
            self.assertFalse(self.backend._edi_read_inbox())
            self.assertFalse(self.backend.exchange_ids)

    def test_an_oversized_inbox_file_is_kept_as_metadata_only(self):
        self.backend.max_file_size = 1000
        with self._edi_tempdir() as folder:
            inbox = os.path.join(folder, "in")
            os.makedirs(inbox)
            with open(os.path.join(inbox, "purchase_order_big.csv"), "wb") as handle:
                handle.write(b"x" * 5000)
            self.backend.write(
                {
                    "channel": "folder",
                    "inbox_path": inbox,
                    "outbox_path": os.path.join(folder, "out"),
                }
            )
            exchange = self.backend._edi_read_inbox()
            self.assertEqual(os.listdir(os.path.join(inbox, "error")), ["purchase_order_big.csv"])
        self.assertEqual(
            (
                exchange.state,
                exchange.file_name,
                exchange.file_size,
                exchange.channel,
                exchange.attachment_id,
            ),
            ("error", "purchase_order_big.csv", 5000, "folder", self.env["ir.attachment"]),
        )
        self.assertEqual(len(exchange.checksum), 64)
        self.assertRegex(exchange.problem_ids.message, "5000 bytes, more than the 1000")


class TestInboundLimits(ConsignorEdiCommon):
    def test_oversized_file_is_refused_without_storing_it(self):
        self.backend.max_file_size = 200
        data = self._csv(self._po_rows())
        exchange = self._receive(data, filename="big.csv")
        self.assertEqual(exchange.state, "error")
        self.assertFalse(exchange.attachment_id)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "med.edi.exchange"), ("res_id", "=", exchange.id)]
            )
        )
        self.assertEqual((exchange.file_name, exchange.file_size), ("big.csv", len(data)))
        self.assertEqual(exchange.problem_ids.code, "too_large")

    def test_too_many_columns_is_refused_with_the_backend_limit(self):
        self.backend.max_columns = 20
        rows = [row + ",x" * 30 for row in self._po_rows()]
        exchange = self._receive(self._csv(rows))
        self.assertEqual(exchange.state, "error")
        self.assertEqual(exchange.problem_ids.code, "too_many_columns")
        self.assertRegex(exchange.problem_ids.message, "Line 2 has 41 columns, more than the 20")

    def test_limits_must_be_positive(self):
        with self.assertRaisesRegex(ValidationError, "Most Columns per Row.*0"):
            self.backend.max_columns = 0


class TestExchangesBySystemOnly(ConsignorEdiCommon):
    def test_nobody_creates_or_rewrites_an_exchange(self):
        exchange = self._receive(self._csv(self._po_rows()))
        self.assertEqual(exchange.state, "processed")
        admin = self.env.ref("base.user_admin")
        Exchange = self.env["med.edi.exchange"]
        forged = {
            "backend_id": self.backend.id,
            "direction": "in",
            "message_type": "purchase_order",
            "state": "processed",
            "message_ident": "PO-FORGED",
        }
        for user in (self.user_edi, self.user_edi_manager, self.user_api_a, admin):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(AccessError, "recorded by the system only"):
                    Exchange.with_user(user).create(forged)
                for vals in (
                    {"state": "received"},
                    {"message_ident": "PO-2"},
                    {"checksum": "0" * 64},
                    {"attachment_id": False},
                ):
                    with self.assertRaisesRegex(AccessError, "system only|not allowed"):
                        exchange.with_user(user).write(vals)
        # not even with superuser rights outside the EDI methods
        with self.assertRaisesRegex(AccessError, "create of .*message_ident.*refused"):
            Exchange.sudo().create(forged)
        self.assertFalse(Exchange.search([("message_ident", "=", "PO-FORGED")]))
        self.assertEqual(exchange.message_ident, "PO-1")

    def test_a_forged_message_id_cannot_shadow_the_real_order(self):
        with self.assertRaisesRegex(AccessError, "system only"):
            self.env["med.edi.exchange"].with_user(self.user_edi).create(
                {
                    "backend_id": self.backend.id,
                    "direction": "in",
                    "message_type": "purchase_order",
                    "state": "processed",
                    "message_ident": "PO-1",
                }
            )
        exchange = self._receive(self._csv(self._po_rows()))
        self.assertEqual(exchange.state, "processed")


class TestConsignorRecordRules(ConsignorEdiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.exchange_a = cls.backend._edi_receive(cls._csv(cls._po_rows()), "purchase_order")
        rows_b = [
            row.replace("C0001", "C0002").replace(",x,", ",")
            for row in cls._po_rows(lines=[("ZZZ", "", "", "LB", "2030-01-31", "x", "1")])
        ]
        cls.exchange_b = cls.backend_b._edi_receive(cls._csv(rows_b), "purchase_order")
        Reconciliation = cls.env["med.edi.reconciliation"]
        cls.reconciliations = {}
        for key, backend in (("a", cls.backend), ("b", cls.backend_b)):
            cls.reconciliations[key] = Reconciliation.create(
                {
                    "name": f"R-{key}",
                    "backend_id": backend.id,
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": cls.stent.id,
                                "lot_name": f"LOT-{key}",
                                "status": "match",
                                "our_quantity": 1,
                                "their_quantity": 1,
                            }
                        )
                    ],
                }
            )

    def _assert_own_only(self, model, mine, theirs):
        Model = self.env[model].with_user(self.user_api_a)
        self.assertTrue(mine and theirs, model)
        self.assertEqual(Model.search([("id", "in", (mine | theirs).ids)]), mine, model)
        with self.assertRaisesRegex(AccessError, DENIED):
            theirs.with_user(self.user_api_a).read(["create_date"])

    def test_each_model_shows_a_consignor_its_own_records_only(self):
        rec_a, rec_b = self.reconciliations["a"], self.reconciliations["b"]
        self._assert_own_only("med.edi.backend", self.backend, self.backend_b)
        self._assert_own_only("med.edi.exchange", self.exchange_a, self.exchange_b)
        self._assert_own_only(
            "med.edi.problem",
            self.exchange_a.problem_ids or self._problem_of(self.backend),
            self.exchange_b.problem_ids,
        )
        self._assert_own_only("med.edi.reconciliation", rec_a, rec_b)
        self._assert_own_only("med.edi.reconciliation.line", rec_a.line_ids, rec_b.line_ids)

    def _problem_of(self, backend):
        exchange = backend._edi_receive(b"garbage\n", "purchase_order")
        return exchange.problem_ids

    def test_other_consignors_files_are_not_readable(self):
        attachment = self.exchange_b.attachment_id
        self.assertTrue(attachment)
        with self.assertRaisesRegex(AccessError, DENIED):
            attachment.with_user(self.user_api_a).read(["datas"])


class TestExportsCarryNoFormula(ConsignorEdiCommon):
    def _cells(self, content):
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return [list(row) for row in sheet.iter_rows()]

    def test_reconciliation_xlsx_writes_text_as_text(self):
        reconciliation = self.env["med.edi.reconciliation"].create(
            {
                "name": "R",
                "backend_id": self.backend.id,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": self.stent.id,
                            "lot_name": value,
                            "status": "quantity",
                            "our_quantity": 2,
                            "their_quantity": 3,
                        }
                    )
                    for value in FORMULAS
                ],
            }
        )
        action = reconciliation.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        rows = self._cells(base64.b64decode(attachment.datas))[1:]
        self.assertEqual(sorted(row[1].value for row in rows), sorted(FORMULAS))
        for row in rows:
            self.assertEqual(row[1].data_type, "s", row[1].value)
            self.assertEqual((row[2].data_type, row[4].value), ("n", -1))

    def test_every_export_table_writes_text_cells(self):
        content = self.env["med.edi.reconciliation"]._med_xlsx_table(
            "=SUM(A1)",
            ["=HEADER()", "Qty"],
            [[value, 1.5] for value in FORMULAS],
            title=["@title", "=cmd|' /C calc'!A0"],
            footer=["+total", 7],
        )
        rows = self._cells(content)
        texts = [cell for row in rows for cell in row if isinstance(cell.value, str)]
        self.assertTrue(texts)
        for cell in texts:
            self.assertEqual(cell.data_type, "s", cell.value)
        self.assertEqual([row[0].value for row in rows[3 : 3 + len(FORMULAS)]], FORMULAS)
        self.assertEqual(rows[-1][1].value, 7)
