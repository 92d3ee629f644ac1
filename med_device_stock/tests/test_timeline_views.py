"""The unit timeline shows the corrections: each "reversal" event with the event it
undid and the reason, in the list and the form."""

from lxml import etree
from odoo.tools.safe_eval import safe_eval

from .common import MedDoneDocumentsCommon


class TestTimelineViews(MedDoneDocumentsCommon):
    def _arch(self, view_type):
        views = self.env["med.unit.event"].get_views([(False, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_reversal_events_show_what_they_reverse_and_why(self):
        (unit,) = self._receive(self.stent, ["S1"])
        result = self._issue(unit)
        self.assertTrue(result["ok"], result["message"])
        issue = self.env[result["res_model"]].browse(result["res_id"])
        wizard = self.env["med.device.correction.wizard"].create(
            {"res_model": issue._name, "res_id": issue.id, "reason": "Wrong department"}
        )
        reversal = self.env["med.device.issue"].browse(wizard.action_confirm()["res_id"])
        event = unit.med_event_ids.filtered(lambda e: e.event_type == "reversal")
        self.assertEqual(event.reversed_event_id.res_id, issue.id)
        self.assertEqual(event.res_id, reversal.id)
        self.assertIn("Wrong department", event.note)
        for view_type in ("list", "form"):
            with self.subTest(view=view_type):
                arch = self._arch(view_type)
                names = {node.get("name") for node in arch.iter("field")}
                self.assertLessEqual(
                    {"event_type", "reversed_event_id", "restored_state", "note"}, names
                )
        # the list and form read the link, the state given back and the reason
        (row,) = event.read(["reversed_event_id", "restored_state", "note"])
        self.assertEqual(row["reversed_event_id"][0], event.reversed_event_id.id)
        self.assertRegex(
            row["reversed_event_id"][1],
            r"^Issue S1 \(\d{4}-\d\d-\d\d ",
            "the link names the event undone, not med.unit.event,12",
        )
        self.assertEqual(row["restored_state"], "in_stock")
        self.assertIn("Wrong department", row["note"])
        # the search view's filter finds the corrections
        (reversals,) = [
            node for node in self._arch("search").iter("filter") if node.get("name") == "reversals"
        ]
        found = self.env["med.unit.event"].search(
            safe_eval(reversals.get("domain")) + [("lot_id", "=", unit.id)]
        )
        self.assertEqual(found, event)
