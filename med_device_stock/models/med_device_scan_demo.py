import datetime

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from medtrace.udi import gs1_element_string


class MedDeviceScanDemoMixin(models.AbstractModel):
    """The demo history, mixed into ``med.device.scan`` (the demo data calls
    ``med.device.scan._med_load_demo_history``)."""

    _name = "med.device.scan.demo.mixin"
    _description = "Medical Device Scan Demo History"

    # ------------------------------------------------------------------ demo data
    @api.model
    def _med_load_demo_history(self):
        """Demo history, made through the scan service so it is consistent: two purchase
        orders received, issues, a borrow, a transfer, a return, uses on patients, a
        quarantine and a scrap with its destruction."""
        ref = self.env.ref
        tmpl = {
            key: ref(f"med_device_stock.product_{key}_demo")
            for key in ("stent", "hip", "pacemaker", "catheter", "suture", "guidewire")
        }
        prod = {key: t.product_variant_id for key, t in tmpl.items()}
        cardio = ref("med_device_stock.hr_department_cardiology_demo")
        ortho = ref("med_device_stock.hr_department_orthopedics_demo")
        nurse = ref("med_device_stock.hr_employee_nurse_demo")
        surgeon = ref("med_device_stock.hr_employee_surgeon_demo")
        today = fields.Date.today()
        expiry = today + datetime.timedelta(days=900)
        made = today - datetime.timedelta(days=60)

        def udi(key, serial=None, lot=None, box=False):
            dis = tmpl[key].med_udi_di_ids
            di = (
                dis.filtered(lambda d: d.packaging_level == "box")
                if box
                else dis.filtered(lambda d: d.packaging_level == "each")
            )[:1].di
            return gs1_element_string(di, lot=lot, serial=serial, expiry=expiry, manufactured=made)

        def order(partner, lines):
            po = self.env["purchase.order"].create(
                {
                    "partner_id": ref(f"med_device_stock.{partner}").id,
                    "order_line": [
                        Command.create(
                            {"product_id": prod[k].id, "product_qty": q, "price_unit": p}
                        )
                        for k, q, p in lines
                    ],
                }
            )
            po.button_confirm()
            return po

        po1 = order(
            "res_partner_supplier_a_demo",
            [("stent", 4, 6800.0), ("hip", 2, 21000.0), ("catheter", 30, 4.5)],
        )
        po2 = order(
            "res_partner_supplier_b_demo",
            [("pacemaker", 2, 38000.0), ("suture", 20, 12.0), ("guidewire", 10, 450.0)],
        )
        scans = [
            (po1, udi("stent", "DES24A0001", "24A")),
            (po1, udi("stent", "DES24A0002", "24A")),
            (po1, udi("stent", "DES24A0003", "24A")),
            (po1, udi("stent", "DES24B0001", "24B")),
            (po1, udi("hip", "HJP0000117", "H2405")),
            (po1, udi("hip", "HJP0000118", "H2405")),
            (po1, udi("catheter", lot="C240611", box=True)),
            (po1, udi("catheter", lot="C240611", box=True)),
            (po1, udi("catheter", lot="C240611", box=True)),
            (po2, udi("pacemaker", "PM7700231", "P77")),
            (po2, udi("pacemaker", "PM7700232", "P77")),
            (po2, udi("suture", lot="S2405", box=True)),
            (po2, udi("suture", lot="S2405", box=True)),
            (po2, udi("guidewire", lot="GW2406")),
        ]

        def checked(raw, operation, values):
            result = self.scan(raw, operation, values)
            if not result["ok"]:  # demo data must not hide a refused step
                raise UserError(result["message"])
            return result

        for po, raw in scans:
            checked(raw, "receipt", {"purchase_id": po.id, "certificate_number": "CoC-2024-88"})
        self.env["med.receipt.check"].search([("purchase_id", "in", (po1 | po2).ids)]).action_done()

        def run(raw, operation, **values):
            return checked(raw, operation, values)

        run(
            udi("stent", "DES24A0001", "24A"),
            "issue",
            department_id=cardio.id,
            requester_id=nurse.id,
        )
        run(
            udi("stent", "DES24A0002", "24A"),
            "issue",
            department_id=cardio.id,
            requester_id=nurse.id,
        )
        run(
            udi("catheter", lot="C240611", box=True),
            "issue",
            department_id=cardio.id,
            requester_id=nurse.id,
        )
        run(
            udi("hip", "HJP0000117", "H2405"),
            "borrow",
            department_id=ortho.id,
            requester_id=surgeon.id,
            expected_return_date=today + datetime.timedelta(days=3),
        )
        run(
            udi("pacemaker", "PM7700231", "P77"),
            "borrow",
            department_id=cardio.id,
            requester_id=nurse.id,
            expected_return_date=today - datetime.timedelta(days=2),
        )
        run(
            udi("stent", "DES24A0001", "24A"),
            "use",
            department_id=cardio.id,
            patient_identifier=f"MRN-{today:%Y}-0117",
            surgery_ref=f"PCI-{today - datetime.timedelta(days=9):%Y%m%d}-03",
            surgeon_id=surgeon.id,
        )
        run(
            udi("hip", "HJP0000117", "H2405"),
            "use",
            department_id=ortho.id,
            patient_identifier=f"MRN-{today:%Y}-0121",
            surgery_ref=f"THA-{today - datetime.timedelta(days=8):%Y%m%d}-01",
            surgeon_id=surgeon.id,
        )
        run(
            udi("stent", "DES24A0002", "24A"),
            "transfer",
            department_id=cardio.id,
            dest_department_id=ortho.id,
        )
        run(udi("stent", "DES24A0002", "24A"), "return", department_id=ortho.id)
        run(udi("guidewire", lot="GW2406"), "quarantine", reason="Outer packaging damaged")
        result = run(udi("guidewire", lot="GW2406"), "scrap", reason="Sterile barrier broken")
        scrap = self.env["med.device.scrap"].browse(result["res_id"])
        if scrap:
            scrap.write(
                {"destruction_method": "incineration", "destruction_witness_id": surgeon.id}
            )
            scrap.action_destroy()
        return True
