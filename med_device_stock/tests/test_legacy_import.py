"""A hospital's legacy stock list: read, checked and shown before anything is written,
then imported as one inventory adjustment with a *migrated* event per unit."""

import datetime
from pathlib import Path

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from medtrace.udi import gs1_element_string

from .common import MedLegacyImportCommon, gtin_with_check_digit

HEADER = ["产品编码", "产品名称", "批号", "序列号", "效期", None, "数量", "库位", "科室"]
SUBHEADER = [None, None, None, None, "生产日期", "有效期至", None, None, None]


@tagged("post_install", "-at_install")
class TestLegacyImport(MedLegacyImportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stent.default_code = "ST-01"
        cls.catheter.default_code = "CT-02"
        cls.expiry = fields.Date.today() + datetime.timedelta(days=400)
        cls.made = fields.Date.today() - datetime.timedelta(days=30)

    def _messy_file(
        self, stent_serial="ＳＮ００１", catheter_quantity="3盒", title="2026年 库存盘点表"
    ):
        """An export as a former system writes it: a title row, a header merged over two
        rows, full-width characters, dates in three styles, a unit after a quantity."""
        return self._xlsx(
            [
                [title],
                HEADER,
                SUBHEADER,
                [
                    "ST-01",
                    "Coronary Stent",
                    "B2405",
                    stent_serial,
                    self.made.strftime("%Y/%-m/%-d"),
                    self.expiry.strftime("%Y年%-m月%-d日"),
                    1,
                    "",
                    "Cardiology",
                ],
                [
                    " CT-02 ",
                    "IV Catheter",
                    "C77",
                    None,
                    int(self.made.strftime("%Y%m%d")),
                    datetime.datetime.combine(self.expiry, datetime.time()),
                    catheter_quantity,
                    "WH/Stock",
                    None,
                ],
            ],
            merges=["A1:I1", "E2:F2"],
        )

    def test_messy_export_is_mapped_normalised_and_nothing_is_written_before_confirming(self):
        record = self._import(self._messy_file())
        mapped = {column.label: column.field for column in record.column_ids}
        self.assertEqual(mapped["生产日期"], "manufactured")
        self.assertEqual(mapped["有效期至"], "expiry")
        self.assertEqual(mapped["科室"], "department")
        self.assertEqual(record.header_row, 3, "the lower row of the merged header")
        stent_line, catheter_line = self._line(record, 4), self._line(record, 5)
        self.assertEqual((stent_line.status, catheter_line.status), ("ready", "ready"))
        self.assertEqual(stent_line.serial, "SN001")
        self.assertEqual(stent_line.expiry, fields.Date.to_string(self.expiry))
        self.assertEqual(catheter_line.manufactured, fields.Date.to_string(self.made))
        self.assertEqual((catheter_line.product_code, catheter_line.quantity), ("CT-02", "3"))
        self.assertEqual(stent_line.location_id, self.cardiology.med_location_id)
        self.assertFalse(
            self.env["stock.lot"].search([("product_id", "in", (self.stent | self.catheter).ids)]),
            "checking writes no unit",
        )

    def test_confirm_creates_units_and_opening_stock_with_a_migrated_event(self):
        self.user_manager.partner_id.email = False  # no email address: imports all the same
        record = self._import(self._messy_file(), name="old-his-2026.xlsx")
        record.action_confirm()
        self.assertIn("Imported 2 rows of old-his-2026.xlsx", record.message_ids[0].body)
        self.assertEqual(record.state, "done")
        unit = self.env["stock.lot"].search([("product_id", "=", self.stent.id)])
        self.assertEqual(unit.name, "SN001")
        self.assertEqual((unit.med_mfr_lot, unit.med_serial), ("B2405", "SN001"))
        self.assertEqual(unit.expiration_date.date(), self.expiry)
        self.assertEqual(unit.med_manufactured_date, self.made)
        self.assertEqual(unit.med_state, "issued")
        self.assertEqual(unit.med_department_id, self.cardiology)
        event = unit.med_event_ids
        self.assertEqual(event.event_type, "migrated")
        self.assertEqual(event.note, "old-his-2026.xlsx")
        self.assertEqual((event.res_model, event.res_id), (record._name, record.id))
        self.assertEqual(event.user_id, self.user_manager)
        lot = self.env["stock.lot"].search([("product_id", "=", self.catheter.id)])
        self.assertEqual(lot.name, "C77")
        self.assertEqual(self.catheter.with_context(lot_id=lot.id).qty_available, 3.0)
        self.assertEqual(lot.med_state, "in_stock")
        moves = self.env["stock.move"].search(
            [("product_id", "in", (self.stent | self.catheter).ids)]
        )
        self.assertEqual(len(moves), 2)
        self.assertTrue(all(move.is_inventory for move in moves))
        for reference in moves.mapped("reference"):
            self.assertTrue(reference.startswith("Opening stock: old-his-2026.xlsx"), reference)
        with self.assertRaisesRegex(UserError, "is done: its rows are the record"):
            self._line(record, 4).quantity = "2"
        with self.assertRaisesRegex(UserError, "is done: it is the record of the opening stock"):
            record.unlink()

    def test_the_same_file_again_is_refused_and_a_corrected_file_changes_only_what_differs(self):
        data = self._messy_file()
        self._import(data).action_confirm()
        with self.assertRaisesRegex(UserError, "already imported as .* importing it again"):
            self._import(data)
        # the same list exported again (other bytes, same rows) moves nothing
        again = self._import(self._messy_file(title="库存盘点表 (再次导出)"), name="again.xlsx")
        self.assertEqual(again.ready_count, 2, again.line_ids.mapped("problems"))
        again.action_confirm()
        self.assertEqual(again.move_count, 0)
        corrected = self._import(self._messy_file(catheter_quantity="5"), name="corrected.xlsx")
        self.assertEqual(corrected.ready_count, 2)
        corrected.action_confirm()
        self.assertEqual(corrected.move_count, 1, "the stent was right already")
        lot = self.env["stock.lot"].search([("product_id", "=", self.catheter.id)])
        self.assertEqual(len(lot), 1)
        self.assertEqual(self.catheter.with_context(lot_id=lot.id).qty_available, 5.0)
        unit = self.env["stock.lot"].search([("product_id", "=", self.stent.id)])
        self.assertEqual(len(unit.med_event_ids), 1, "the unit has still one migrated event")

    def test_every_problem_names_the_row_the_column_and_the_value(self):
        bad_di = gtin_with_check_digit("695000000001")[:-1] + "0"
        rows = [
            [
                "产品编码",
                "产品名称",
                "DI",
                "批号",
                "序列号",
                "生产日期",
                "有效期至",
                "数量",
                "库位",
            ],
            ["ST-01", "", "", "B1", "", "2026-01-01", "2030-01-01", 1, "WH/Stock"],
            ["", "", bad_di, "B1", "SN9", "2026-01-01", "2030-01-01", 1, "WH/Stock"],
            ["CT-02", "", "", "C1", "", "2029-01-01", "2028-01-01", 1, "WH/Stok"],
            ["ST-01", "", "", "B1", "SN5", "2026-01-01", "2030-01-01", 1, "WH/Stock"],
            ["ST-01", "", "", "B1", "SN5", "2026-01-01", "2030-01-01", 1, "Cardiology"],
            ["CT-02", "", "", "C2", "", "2026-01-01", "2030-01-01", 2, "WH/Stock"],
            ["CT-02", "", "", "C2", "", "2026-01-01", "2031-06-30", 1, "WH/Stock"],
            ["XX-99", "", "", "C2", "", "2026-01-01", "03/04/2031", 1, "WH/Stock"],
        ]
        record = self._import(self._csv(rows), name="list.csv")
        problems = {line.row: line.problems or "" for line in record.line_ids}
        self.assertIn("Row 2, column 序列号: 'Coronary Stent' is tracked unit by unit", problems[2])
        self.assertIn(f"Row 3, column DI: '{bad_di}' has check digit 0", problems[3])
        self.assertIn(
            "Row 4, column 有效期至: expiry 2028-01-01 is before the manufacturing", problems[4]
        )
        self.assertIn(
            "Row 4, column 库位: 'WH/Stok' is not a known stock location. Did you mean WH/Stock",
            problems[4],
        )
        self.assertIn(
            "Row 5, column 序列号: unit 'SN5' of Coronary Stent is also on row 6, in", problems[5]
        )
        self.assertIn(
            "Row 6, column 序列号: unit 'SN5' of Coronary Stent is also on row 5, in WH/Stock",
            problems[6],
        )
        self.assertIn("Row 7, column 有效期至: lot 'C2' of IV Catheter expires", problems[7])
        self.assertIn("and 2031-06-30 on row 8", problems[7])
        self.assertIn("Row 9, column 产品编码: 'XX-99' is not a known product.", problems[9])
        self.assertIn("Row 9, column 有效期至: '03/04/2031' could be day/month", problems[9])
        self.assertEqual(record.to_fix_count, 8)
        with self.assertRaisesRegex(UserError, "8 rows must be fixed or dropped"):
            record.action_confirm()
        self.assertFalse(
            self.env["stock.lot"].search([("product_id", "in", (self.stent | self.catheter).ids)])
        )

    def test_values_fixed_in_place_are_checked_again(self):
        rows = [
            ["Product Code", "Lot", "Expiry", "Qty", "Location"],
            ["CT-02", "C1", "2031-01-01", "4", "WH/Stok"],
        ]
        record = self._import(self._csv(rows), name="en.csv")
        line = self._line(record, 2)
        self.assertEqual(line.status, "to_fix")
        line.location = "WH/Stock"
        # from the list of rows to fix, with no row selected
        rows = record.with_context(med_status="to_fix").action_open_rows()
        self.assertEqual(rows["domain"], [("import_id", "=", record.id)])
        self.env["med.legacy.import.line"].with_context(**rows["context"]).action_check_again()
        line = self._line(record, 2)
        self.assertEqual((line.status, line.problems), ("ready", False))
        self.assertEqual(line.location_id, self.stock_location)
        record.action_confirm()
        lot = self.env["stock.lot"].search([("product_id", "=", self.catheter.id)])
        self.assertEqual(self.catheter.with_context(lot_id=lot.id).qty_available, 4.0)

    def test_repeated_rows_are_merged_or_dropped_before_confirming(self):
        rows = [
            ["Product Code", "Lot", "Expiry", "Qty", "Location"],
            ["CT-02", "C1", "2031-01-01", "4", "WH/Stock"],
            ["CT-02", "C1", "2031-01-01", "4", "WH/Stock"],
            ["CT-02", "C2", "2031-01-01", "1", "WH/Stock"],
            ["CT-02", "C2", "2031-01-01", "1", "WH/Stock"],
        ]
        record = self._import(self._csv(rows), name="twice.csv")
        self.assertEqual(record.duplicate_count, 2)
        self.assertIn("Row 3 repeats row 2.", self._line(record, 3).problems)
        with self.assertRaisesRegex(UserError, "Rows 3, 5 repeat other rows"):
            record.action_confirm()
        self._line(record, 3).action_merge()
        self._line(record, 5).action_drop()
        self.assertEqual(self._line(record, 2).quantity, "8")
        self.assertEqual((record.duplicate_count, record.dropped_count), (0, 2))
        record.action_confirm()
        quantities = {
            lot.name: self.catheter.with_context(lot_id=lot.id).qty_available
            for lot in self.env["stock.lot"].search([("product_id", "=", self.catheter.id)])
        }
        self.assertEqual(quantities, {"C1": 8.0, "C2": 1.0})

    def test_a_pasted_udi_fills_di_lot_serial_and_dates(self):
        raw = gs1_element_string(
            self.stent.med_udi_di_ids.di, lot="B77", serial="SN-77", expiry=self.expiry
        )
        rows = [["UDI", "库位"], [raw, "WH/Stock"]]
        record = self._import(self._csv(rows), name="udi.csv")
        line = self._line(record, 2)
        self.assertEqual(line.status, "ready", line.problems)
        self.assertEqual(line.product_id, self.stent)
        self.assertEqual(
            (line.lot, line.serial, line.expiry),
            ("B77", "SN-77", fields.Date.to_string(self.expiry)),
        )
        record.action_confirm()
        unit = self.env["stock.lot"].search([("product_id", "=", self.stent.id)])
        self.assertEqual((unit.name, unit.med_di), ("SN-77", self.stent.med_udi_di_ids.di))

    def test_unknown_products_are_created_only_when_allowed(self):
        di = gtin_with_check_digit("695000000777")
        rows = [
            ["品名", "DI", "批号", "有效期", "数量", "库位"],
            ["骨水泥", di, "BC1", "2031-03-01", 2, "WH/Stock"],
        ]
        refused = self._import(self._csv(rows, "gbk"), name="gbk.csv")
        self.assertIn(
            f"device identifier '{di.zfill(14)}' belongs to no product",
            self._line(refused, 2).problems,
        )
        record = self._import(self._csv(rows, "gbk"), name="gbk2.csv", allow_new_products=True)
        line = self._line(record, 2)
        self.assertEqual(line.status, "ready")
        self.assertIn("'骨水泥' is not a known product: it will be created.", line.problems)
        record.action_confirm()
        product = self.env["product.product"].search([("name", "=", "骨水泥")])
        self.assertEqual(product.med_udi_di_ids.di, di.zfill(14))
        self.assertEqual(
            (product.tracking, product.is_storable, product.med_is_device), ("lot", True, True)
        )
        self.assertEqual(product.qty_available, 2.0)

    def test_only_device_managers_import(self):
        data = self._csv(
            [["Product Code", "Lot", "Qty", "Location"], ["CT-02", "C1", 1, "WH/Stock"]]
        )
        for user in (self.user_storekeeper, self.user_department, self.user_plain):
            with self.assertRaises(AccessError):
                self._import(data, name="nope.csv", user=user)
        record = self._import(data, name="ok.csv")
        with self.assertRaises(AccessError):
            record.with_user(self.user_storekeeper).read(["name"])
        with self.assertRaises(AccessError):
            record.line_ids.with_user(self.user_storekeeper).write({"quantity": "9"})

    def test_a_saved_template_maps_the_next_export_by_its_headers(self):
        rows = [["Artikel", "Charge", "Menge", "Lager"], ["CT-02", "C1", 1, "WH/Stock"]]
        record = self._import(self._csv(rows), name="de.csv")
        self.assertFalse(record.column_ids.filtered("field"), "no known header word")
        for column, fname in zip(
            record.column_ids.sorted("index"),
            ("product_code", "lot", "quantity", "location"),
            strict=True,
        ):
            column.field = fname
        record.action_read_columns()
        self.assertEqual(self._line(record, 2).status, "ready")
        record.action_save_template()
        again = self._import(
            self._csv(rows + [["CT-02", "C9", 2, "WH/Stock"]]),
            name="de2.csv",
            template_id=record.template_id.id,
        )
        self.assertEqual(
            again.column_ids.sorted("index").mapped("field"),
            ["product_code", "lot", "quantity", "location"],
        )
        self.assertEqual(again.ready_count, 2)

    def test_check_queries_do_not_grow_with_rows(self):
        def rows(count):
            return [["Product Code", "Lot", "Expiry", "Qty", "Location"]] + [
                ["CT-02", f"C{index}", "2031-01-01", 1, "WH/Stock"] for index in range(count)
            ]

        records = {
            count: self._import(self._csv(rows(count)), name=f"rows{count}.csv")
            for count in (5, 100)
        }
        for record in records.values():
            record.action_check()  # caches of the first use (translations, ACLs) filled
        counts = []
        for count, record in [*records.items(), *records.items()]:
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            record.action_check()
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(record.ready_count, count)
        self.assertEqual(counts[2], counts[3], counts)

    def test_what_the_import_sets_itself_cannot_be_forged(self):
        data = self._csv(
            [["Product Code", "Lot", "Qty", "Location"], ["CT-02", "C1", 1, "WH/Stock"]]
        )
        with self.assertRaisesRegex(
            UserError, "The import itself sets these fields of a legacy stock import: State"
        ):
            self.env["med.legacy.import"].create({"name": "forged.csv", "state": "done"})
        record = self._import(data, name="real.csv", user_id=self.user_storekeeper.id)
        self.assertEqual(record.user_id, self.user_manager, "who imports is who is logged in")
        record.action_confirm()
        for vals in (
            {"state": "draft"},
            {"checksum": "0" * 64},
            {"date_done": "2020-01-01 00:00:00"},
        ):
            with self.assertRaisesRegex(UserError, "The import itself sets these fields"):
                record.write(vals)
        with self.assertRaisesRegex(UserError, "is done: a corrected file is imported as a new"):
            record.write({"allow_new_products": True})
        with self.assertRaisesRegex(UserError, "is done: its rows are the record"):
            record.line_ids.write({"status": "ready"})
        self.assertEqual(record.state, "done")

    def test_another_company_s_manager_sees_no_import(self):
        record = self._import(
            self._csv([["Product Code", "Lot", "Qty", "Location"], ["CT-02", "C1", 1, "WH/Stock"]]),
            name="mine.csv",
        )
        branch = self.env["res.company"].sudo().create({"name": "Branch Hospital"})
        other = new_test_user(
            self.env(su=True),
            login="med_branch_manager_test",
            groups="med_device_stock.group_med_manager",
            company_id=branch.id,
            company_ids=[(6, 0, [branch.id])],
        )
        with self.assertRaises(AccessError):
            record.with_user(other).read(["name"])
        self.assertFalse(self.env["med.legacy.import"].with_user(other).search([]))
        with self.assertRaises(AccessError):
            record.line_ids.with_user(other).read(["lot"])

    def test_an_unknown_di_found_in_the_udi_database_creates_its_product_from_the_record(self):
        from medtrace.udid import read

        nmpa = Path(__file__).resolve().parents[2] / "tests/unit/data/udid/nmpa_full.xml"
        self.env["med.udi.record"].sudo()._med_load(read(nmpa), nmpa.name)
        rows = [
            ["DI", "序列号", "有效期至", "库位"],
            ["06970000000017", "DES-0001", "2030-01-31", "WH/Stock"],
        ]
        refused = self._import(self._csv(rows), name="udi-refused.csv")
        self.assertIn(
            "the UDI database has it (冠状动脉药物洗脱支架系统", self._line(refused, 2).problems
        )
        record = self._import(self._csv(rows), name="udi.csv", allow_new_products=True)
        line = self._line(record, 2)
        self.assertEqual(line.status, "ready", line.problems)
        self.assertEqual(line.udi_record_id.di, "06970000000017")
        record.action_confirm()
        product = self._line(record, 2).product_id
        self.assertEqual(product.name, "冠状动脉药物洗脱支架系统")
        self.assertEqual((product.tracking, product.med_implantable), ("serial", True))
        self.assertEqual(
            sorted(product.med_udi_di_ids.mapped("quantity")), [1.0, 5.0, 50.0], "a DI per level"
        )
        unit = self.env["stock.lot"].search([("product_id", "=", product.id)])
        self.assertEqual((unit.name, unit.med_di), ("DES-0001", "06970000000017"))
        self.assertEqual(unit.med_event_ids.event_type, "migrated")
