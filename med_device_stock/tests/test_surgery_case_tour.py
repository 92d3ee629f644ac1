"""A surgery case from the HIS's booking to its close-out in a real browser, with the
keyboard and the scanner only (static/tests/tours/surgery_case_tours.js)."""

import base64

from odoo.tests import tagged

from .test_scan_station_tour import ScanStationTourCommon


@tagged("post_install", "-at_install")
class TestSurgeryCaseTour(ScanStationTourCommon):
    def test_booking_to_close_out_with_the_keyboard_and_the_scanner(self):
        booking = (
            "手术申请单号,住院号,手术时间,手术名称,手术间\n"
            "SS-KB-1,MRN-KB-1,2026-12-08 08:30,冠脉支架植入术,OR-3\n"
        )
        wizard = (
            self.env["med.surgery.booking.import"]
            .with_user(self.store)
            .create(
                {
                    "file": base64.b64encode(booking.encode()),
                    "filename": "排程.csv",
                    "department_id": self.cardiology.id,
                }
            )
        )
        wizard.action_import()
        case = self.env["med.surgery.case"].search([("his_case_id", "=", "SS-KB-1")])
        self.assertEqual(case.state, "draft")
        scanner = self.env["med.device.scan"]
        for serial in ("I3", "I4"):
            result = scanner.scan(
                self.codes[serial], "issue", {"department_id": self.cardiology.id}
            )
            self.assertTrue(result["ok"], result["message"])
        self.start_tour(
            f"/odoo/action-med_device_stock.med_surgery_case_action/{case.id}",
            "med_surgery_case_keyboard",
            login="tour_nurse",
            timeout=180,
        )
        self.assertEqual(case.state, "done")
        self.assertEqual(case.nurse_confirm_user_id, self.nurse_user)
        self.assertEqual(case.implant_ids.lot_id, self.lots["I3"])
        self.assertEqual(case.return_id.line_ids.lot_id, self.lots["I4"])
        self.assertIn("SS-KB-1", case.his_dft_message or "")

    def test_devices_asked_of_the_store(self):
        """The nurse lists two stents on a planned case and sends the request (Alt+R);
        the storekeeper scans two units into it (reserved) and validates: they are
        issued to the theatre and listed on the case."""
        case = (
            self.env["med.surgery.case"]
            .with_user(self.nurse_user)
            .create(
                {
                    "patient_identifier": "MRN-KB-2",
                    "department_id": self.cardiology.id,
                    "procedure_name": "Coronary stent implantation",
                }
            )
        )
        self.start_tour(
            f"/odoo/action-med_device_stock.med_surgery_case_action/{case.id}",
            "med_surgery_case_store_request",
            login="tour_nurse",
            timeout=180,
        )
        self.assertEqual(case.request_ids.product_id, self.stent)
        self.assertEqual(case.request_ids.quantity, 2.0)
        issue = case.store_issue_ids
        self.assertEqual(issue.state, "draft")
        self.start_tour(
            f"/odoo/action-med_device_stock.med_device_issue_surgery_action/{issue.id}",
            "med_surgery_case_store_issue",
            login="tour_store",
            timeout=180,
        )
        self.assertEqual(issue.state, "done")
        self.assertEqual(case.line_ids.lot_id, self.lots["I3"] | self.lots["I4"])
        self.assertEqual(set(case.line_ids.lot_id.mapped("med_state")), {"issued"})
