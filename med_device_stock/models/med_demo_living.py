import base64
import datetime

import pytz
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from medtrace.udi import gs1_element_string


class MedDemoLiving(models.AbstractModel):
    """The demo hospital as it lives on the day it is installed (the demo data calls
    ``med.demo.living._med_load_demo_living`` after the demo history and users): what
    needs attention, made by the suite's own flows and dated from today."""

    _name = "med.demo.living"
    _description = "Medical Device Demo: What Needs Attention"

    @api.model
    def _med_load_demo_living(self):
        """Consumables near expiry received through the receipt check, an expired lot
        found at go-live (the opening balance of an inventory adjustment), a recall
        open, a count done, two stents implanted today in a surgery case closed out (one
        from the supplier's loaner set, whose other stent went back), the HIS's charges
        and today's reconciliation, tomorrow's case planned, a count in progress, then the
        daily alert job run once."""
        ref = self.env.ref
        storekeeper = ref("med_device_stock.res_users_storekeeper_demo")
        manager = ref("med_device_stock.res_users_device_manager_demo")
        nurse = ref("med_device_stock.res_users_nurse_demo")
        cardio = ref("med_device_stock.hr_department_cardiology_demo")
        today = fields.Date.today()
        Scan = self.env["med.device.scan"]

        def product(key):
            return ref(f"med_device_stock.product_{key}_demo").product_variant_id

        def udi(key, expiry, serial=None, lot=None, box=False, made=None):
            dis = product(key).product_tmpl_id.med_udi_di_ids
            di = dis.filtered(lambda d: d.packaging_level == ("box" if box else "each"))[:1].di
            return gs1_element_string(
                di,
                lot=lot,
                serial=serial,
                expiry=expiry,
                manufactured=made or today - datetime.timedelta(days=300),
            )

        def known(key, serial=None, lot=None, box=False):
            """The UDI of a unit of the demo history (made 60 days ago, good 900 days)."""
            return udi(
                key,
                today + datetime.timedelta(days=900),
                serial=serial,
                lot=lot,
                box=box,
                made=today - datetime.timedelta(days=60),
            )

        def checked(user, raw, operation, **values):
            result = Scan.with_user(user).scan(raw, operation, values)
            if not result["ok"]:  # demo data must not hide a refused step
                raise UserError(result["message"])
            return result

        # consumables with a short shelf life, accepted at receipt down to 30 days left
        soon, later = today + datetime.timedelta(days=40), today + datetime.timedelta(days=75)
        order = self.env["purchase.order"].create(
            {
                "partner_id": ref("med_device_stock.res_partner_supplier_b_demo").id,
                "order_line": [
                    Command.create(
                        {"product_id": product("suture").id, "product_qty": 10, "price_unit": 12.0}
                    ),
                    Command.create(
                        {"product_id": product("catheter").id, "product_qty": 10, "price_unit": 4.5}
                    ),
                ],
            }
        )
        order.button_confirm()
        for raw in (
            udi("suture", soon, lot="S2409", box=True),
            udi("catheter", later, lot="C240917", box=True),
        ):
            checked(
                storekeeper, raw, "receipt", purchase_id=order.id, certificate_number="CoC-2024-131"
            )
        self.env["med.receipt.check"].with_user(storekeeper).search(
            [("purchase_id", "=", order.id)]
        ).action_done()

        # go-live: a lot found on the shelves, already expired, entered as the opening
        # balance of an inventory adjustment (the receipt check refuses expired units)
        expired = today - datetime.timedelta(days=12)
        suture = product("suture")
        raw = udi("suture", expired, lot="S2311", made=expired - datetime.timedelta(days=730))
        lot = self.env["stock.lot"].create(
            {
                "name": "S2311",
                "product_id": suture.id,
                "company_id": self.env.company.id,
                "expiration_date": datetime.datetime.combine(expired, datetime.time()),
                "med_udi_raw": raw,
                "med_di": suture.product_tmpl_id.med_udi_di_ids.filtered(
                    lambda d: d.packaging_level == "each"
                )[:1].di,
                "med_mfr_lot": "S2311",
                "med_manufactured_date": expired - datetime.timedelta(days=730),
                "med_supplier_id": ref("med_device_stock.res_partner_supplier_b_demo").id,
            }
        )
        stock = self.env.company._med_warehouse().lot_stock_id
        quant = (
            self.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                {
                    "product_id": suture.id,
                    "location_id": stock.id,
                    "lot_id": lot.id,
                    "inventory_quantity": 6,
                }
            )
        )
        quant.with_context(inventory_name="Opening balance at go-live").action_apply_inventory()

        # a field safety notice: the stent lot 24B recalled, its unit in the store
        # quarantined, the case open until the supplier takes it back
        recall = (
            self.env["med.recall"]
            .with_user(manager)
            .create(
                {
                    "reference": "FSN-MS-2024-07",
                    "reason": "Manufacturer's field safety notice: the delivery balloon of lot 24B "
                    "may not deflate fully.",
                    "recall_level": "2",
                    "product_id": product("stent").id,
                    "mfr_lots": "24B",
                }
            )
        )
        recall.action_open()

        # cardiology's sub-store counted and found right; the main store being counted
        done = (
            self.env["med.count"]
            .with_user(storekeeper)
            .create(
                {"department_id": cardio.id, "note": "Monthly count of the cardiology sub-store"}
            )
        )
        done.action_start()
        for raw in (
            known("catheter", lot="C240611", box=True),
            known("pacemaker", serial="PM7700231", lot="P77"),
        ):
            checked(storekeeper, raw, "count", count_id=done.id)
        done.action_reconcile()
        done.action_done()
        # then the day goes on: a stent issued to cardiology and implanted there
        stent = known("stent", serial="DES24A0002", lot="24A")
        checked(
            storekeeper,
            stent,
            "issue",
            department_id=cardio.id,
            requester_id=ref("med_device_stock.hr_employee_nurse_demo").id,
        )
        # ... in a surgery case the nurse closed out: the use, the implant record and the
        # messages to the HIS written by the close-out
        surgeon = ref("med_device_stock.hr_employee_surgeon_demo")
        Case = self.env["med.surgery.case"].with_user(nurse)
        case = Case.create(
            {
                "his_case_id": f"SS-{today:%Y%m%d}-02",
                "patient_identifier": f"MRN-{today:%Y}-0142",
                "encounter_ref": f"IP-{today:%Y}-3381",
                "department_id": cardio.id,
                "operating_room": "Cath Lab 2",
                "procedure_code": "36.0601",
                "procedure_name": "PCI with drug-eluting stent",
                "surgeon_id": surgeon.id,
                "planned_date": fields.Datetime.now() - datetime.timedelta(minutes=40),
            }
        )
        checked(nurse, stent, "case", document_id=case.id)
        # the stent supplier's representative brought a loaner set (跟台) of two more
        # stents: one implanted, one unused and taken back at the close-out
        loaner = [known("stent", serial=f"DES24L010{n}", lot="24L") for n in (1, 2)]
        self.env["med.surgery.loaner.wizard"].with_user(nurse).create(
            {
                "case_id": case.id,
                "partner_id": ref("med_device_stock.res_partner_supplier_a_demo").id,
                "certificate_number": f"HX-COC-{today:%Y%m%d}",
                "line_ids": [Command.create({"udi_raw": raw}) for raw in loaner],
            }
        ).action_receive()
        case.action_start()
        case.line_ids.outcome = "implanted"
        case.line_ids.filtered(lambda ln: ln.lot_id.name == "DES24L0102").outcome = "unused"
        case.supplier_rep_name = "Li Wei"
        case.action_close()
        # the HIS's charges of the day, imported by the store: the two stents as scanned,
        # and a guide wire charged that nobody scanned (a traceability gap)
        self._med_demo_his_charges(storekeeper, case, today)
        # and tomorrow's list has one more, booked from the HIS: the nurse asked the
        # store for a pacemaker, which the storekeeper reserved for it
        planned = Case.create(
            {
                "his_case_id": f"SS-{today + datetime.timedelta(days=1):%Y%m%d}-01",
                "patient_identifier": f"MRN-{today:%Y}-0157",
                "department_id": cardio.id,
                "operating_room": "Cath Lab 1",
                "procedure_code": "37.8101",
                "procedure_name": "Pacemaker implantation",
                "surgeon_id": surgeon.id,
                "planned_date": datetime.datetime.combine(
                    today + datetime.timedelta(days=1), datetime.time(8, 30)
                ),
                "request_ids": [Command.create({"product_id": product("pacemaker").id})],
            }
        )
        planned.action_request_from_store()
        checked(
            storekeeper,
            known("pacemaker", serial="PM7700232", lot="P77"),
            "issue",
            document_id=planned.store_issue_ids.id,
        )
        counting = (
            self.env["med.count"]
            .with_user(storekeeper)
            .create({"location_id": stock.id, "note": "Quarterly count of the main store"})
        )
        counting.action_start()
        checked(
            storekeeper,
            known("pacemaker", serial="PM7700232", lot="P77"),
            "count",
            count_id=counting.id,
        )

        # the daily job, once: near-expiry, expired and overdue alerts to those responsible
        self.env["med.alert"]._cron_med_alerts()
        return True

    @api.model
    def _med_demo_his_charges(self, storekeeper, case, today):
        """The HIS's CSV export of the day's charges, imported as the store does, then
        today's reconciliation compared."""
        # the HIS writes its local time, read in the importing user's time zone
        zone = pytz.timezone(storekeeper.tz or storekeeper.company_id.partner_id.tz or "UTC")
        stamp = pytz.utc.localize(fields.Datetime.now()).astimezone(zone)
        stent = self.env.ref("med_device_stock.product_stent_demo").product_variant_id
        price = f"{stent.standard_price:.2f}"

        def row(number, code, item, unit_price, lot, serial=""):
            return ",".join(
                [
                    f"T{today:%Y%m%d}-{number:04d}",
                    case.his_case_id,
                    case.patient_identifier,
                    case.encounter_ref,
                    code,
                    item,
                    "1",
                    unit_price,
                    unit_price,
                    f"{stamp:%Y-%m-%d %H:%M}",
                    lot,
                    serial,
                ]
            )

        stent_item = "Coronary drug-eluting stent 3.0x18"
        rows = [
            "计费流水号,手术申请单号,住院号,就诊号,收费编码,收费项目,数量,单价,金额,计费时间,批号,序列号",
            row(1, "HC-DES-3018", stent_item, price, "24A", "DES24A0002"),
            row(3, "HC-DES-3018", stent_item, price, "24L", "DES24L0101"),
            row(2, "HC-GW-014", "PTCA guide wire 0.014", "680.00", "GW2411"),
        ]
        data = ("\r\n".join(rows) + "\r\n").encode()
        wizard = (
            self.env["med.his.charge.import"]
            .with_user(storekeeper)
            .create(
                {
                    "file": base64.b64encode(data),
                    "filename": f"his_charges_{today:%Y%m%d}.csv",
                }
            )
        )
        wizard.action_import()
        reconciliation = (
            self.env["med.his.reconciliation"]
            .with_user(storekeeper)
            .create({"date_from": today, "date_to": today, "department_id": case.department_id.id})
        )
        reconciliation.action_compute()
        return reconciliation
