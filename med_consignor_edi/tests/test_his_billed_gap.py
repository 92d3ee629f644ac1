"""Issue 17: a unit a consignor bills that was neither scanned nor charged is a
traceability gap: resolving it opens a quality event (med_gsp_quality)."""

import datetime

from odoo.tests import TransactionCase, tagged

from . import test_invoice
from .common import ConsignorEdiCommon


@tagged("post_install", "-at_install")
class TestBilledNotUsedGap(ConsignorEdiCommon, TransactionCase):
    _invoice = test_invoice.TestInvoiceReceived._invoice

    def test_billed_but_neither_scanned_nor_charged_is_a_quality_event(self):
        self.backend.format_edifact = True
        self._receive(self._invoice(), "invoice", filename="invoic.edi")
        day = datetime.date(2025, 6, 30)
        recon = (
            self.env["med.his.reconciliation"]
            .with_user(self.user_storekeeper)
            .create({"date_from": day, "date_to": day, "backend_id": self.backend.id})
        )
        recon.action_compute()
        rows = {ln.lot: ln for ln in recon.line_ids}
        stent = rows["L1"]
        self.assertEqual(stent.status, "billed_not_used")
        self.assertTrue(stent.traceability_gap)
        stent.resolution = "Consignor billed a unit of another hospital; credit note asked."
        stent.action_resolve()
        (event,) = stent.gsp_event_ids
        self.assertEqual(event.event_type, "traceability_gap")
        self.assertEqual(event.product_id, self.stent)
        self.assertEqual(event.quantity, 2)
        self.assertIn("Billed, Neither Scanned nor Charged", event.name)
        self.assertIn("credit note asked", event.description)
        self.assertEqual(event.reported_by_id, self.user_storekeeper)
