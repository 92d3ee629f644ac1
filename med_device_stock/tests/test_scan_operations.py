# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scan operations as data: one description per operation drives the scan service's
checks, the station's modes and the messages; a new operation is one description and
one step."""

from unittest.mock import patch

from odoo.tests import tagged

from .common import MedDeviceFlowCommon


@tagged("post_install", "-at_install")
class TestScanOperations(MedDeviceFlowCommon):
    def operations(self):
        return self.env["med.device.scan"]._med_scan_operations()

    def test_every_operation_is_described_once_with_what_its_readers_need(self):
        operations = self.operations()
        names = [op["name"] for op in operations]
        self.assertEqual(len(names), len(set(names)))
        for op in operations:
            for key in (
                "label",
                "document",
                "states",
                "from_store",
                "department",
                "puts_to_use",
                "agrees",
                "fields",
                "undo",
            ):
                self.assertIn(key, op, f"{op['name']} has no {key}")
        by_name = {op["name"]: op for op in operations}
        self.assertEqual(by_name["use"]["document"], "med.device.use")
        self.assertEqual(by_name["return"]["states"], ("issued", "borrowed"))
        self.assertEqual([n for n in names if by_name[n]["from_store"]], ["issue", "borrow"])
        # the station offers exactly the described operations the storekeeper may do
        setup = self.env["med.device.scan"].with_user(self.user_storekeeper).station_setup()
        self.assertEqual([op["name"] for op in setup["operations"]], names)
        # the refusal of an unknown operation lists them
        result = self.scan(self._raw(self._receive(self.stent, ["SN-OPS-1"])), "inspect")
        self.assertFalse(result["ok"])
        self.assertIn(", ".join(names), result["message"])

    def test_the_description_decides_the_states_a_unit_must_be_in(self):
        lot = self._receive(self.stent, ["SN-OPS-2"])
        Scan = type(self.env["med.device.scan"])
        original = Scan._med_scan_operations

        def no_scrap_from_stock(scan_self):
            operations = original(scan_self)
            for op in operations:
                if op["name"] == "scrap":
                    op["states"] = ("quarantined",)
            return operations

        with patch.object(Scan, "_med_scan_operations", no_scrap_from_stock):
            result = self.scan(self._raw(lot), "scrap", reason="Dropped")
        self.assertFalse(result["ok"])
        self.assertRegex(result["message"], r"scrap expects it Quarantined")
        self.assertEqual(lot.med_state, "in_stock")

    def test_a_new_operation_is_one_description_and_one_step(self):
        lot = self._receive(self.stent, ["SN-OPS-3"])
        issued = self._receive(self.stent, ["SN-OPS-4"])
        self.assertTrue(self._issue(issued)["ok"])
        Scan = type(self.env["med.device.scan"])
        original = Scan._med_scan_operations

        def with_inspection(scan_self):
            operations = original(scan_self)
            unit = dict(operations[-1])  # the neutral keys of an operation
            operations.append(
                dict(
                    unit,
                    name="inspect",
                    label="inspection",
                    title="Inspect",
                    states=("in_stock",),
                    agrees=True,
                    access=("stock.lot", "read"),
                    help="Inspect a unit in the store.",
                    fields=[
                        {
                            "name": "note",
                            "label": "Finding",
                            "type": "char",
                            "required": True,
                            "missing": "Give the finding of the inspection.",
                        }
                    ],
                )
            )
            return operations

        def inspect(scan_self, scan):
            return scan_self._scan_result(
                scan,
                True,
                f"{scan['lot'].name} inspected",
                res_model="stock.lot",
                res_id=scan["lot"].id,
            )

        with (
            patch.object(Scan, "_med_scan_operations", with_inspection),
            patch.object(Scan, "_scan_do_inspect", inspect, create=True),
        ):
            station = self.env["med.device.scan"].with_user(self.user_storekeeper)
            self.assertIn("inspect", [op["name"] for op in station.station_setup()["operations"]])
            done = self.scan(self._raw(lot), "inspect", note="Packaging intact")
            missing = self.scan(self._raw(lot), "inspect")
            refused = self.scan(self._raw(issued), "inspect", note="Seen in cardiology")
        self.assertEqual((done["ok"], done["message"]), (True, "SN-OPS-3 inspected"))
        self.assertEqual(
            (missing["ok"], missing["message"]), (False, "Give the finding of the inspection.")
        )
        self.assertFalse(refused["ok"])
        self.assertRegex(refused["message"], r"is Issued .*: inspection expects it In Stock")
