"""Done documents are final (issue 12, item 1): no user, the administrator and the
superuser included, writes what they record, takes their state back, cancels or deletes
them; a mistake is corrected by a correcting document that moves the units back."""

import datetime

from odoo import fields
from odoo.exceptions import AccessError, UserError

from .common import MedDoneDocumentsCommon

ACCESS = "not allowed to"
FINAL = "it is final and"
LINES = "its lines .* cannot be added, changed or deleted"

#: per kind of document: a field recording what happened and a new value (a callable of
#: the test case for records)
RECORDED = {
    "receipt": ("note", lambda t: "rewritten"),
    "issue": ("department_id", lambda t: t.orthopedics.id),
    "use": ("patient_identifier", lambda t: "MRN-9999"),
    "quarantine": ("reason", lambda t: "rewritten"),
    "scrap": ("reason", lambda t: "rewritten"),
    "count": ("location_id", lambda t: t.stock_location.id),
    "recall": ("reason", lambda t: "rewritten"),
}
#: per kind of document: its lines and a field of theirs
LINE_FIELDS = {
    "receipt": ("line_ids", "certificate_number", "CoC-FAKE"),
    "issue": ("line_ids", "quantity", 2.0),
    "count": ("line_ids", "reason", "rewritten"),
    "recall": ("line_ids", "note", "rewritten"),
}


class TestDoneFinal(MedDoneDocumentsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.docs = cls._make_done_documents()
        cls.roles = {
            "department user": cls.user_department,
            "storekeeper": cls.user_storekeeper,
            "manager": cls.user_manager,
            "administrator": cls.admin,
        }

    def _expect(self, record, user, operation, regex):
        """AccessError where the user may not even reach the record, else ``regex``."""
        if not record.with_user(user).has_access(operation):
            return AccessError, ACCESS
        return UserError, regex

    def _as(self, record, user):
        return record.with_user(user) if user else record.sudo()

    def _cases(self):
        for role, user in dict(self.roles, superuser=None).items():
            for kind, document in self.docs.items():
                yield role, user, kind, document

    # ------------------------------------------------------------------ writes
    def test_recorded_fields_are_not_written(self):
        for role, user, kind, document in self._cases():
            fname, value = RECORDED[kind]
            before = document[fname]
            with self.subTest(role=role, document=kind):
                error, regex = (
                    (UserError, FINAL) if not user else self._expect(document, user, "write", FINAL)
                )
                with self.assertRaisesRegex(error, regex):
                    self._as(document, user).write({fname: value(self)})
                self.assertEqual(document[fname], before)

    def test_state_never_goes_back_to_draft(self):
        for role, user, kind, document in self._cases():
            with self.subTest(role=role, document=kind):
                error, regex = (
                    (UserError, f"{FINAL} State")
                    if not user
                    else self._expect(document, user, "write", f"{FINAL} State")
                )
                with self.assertRaisesRegex(error, regex):
                    self._as(document, user).write({"state": "draft"})
                self.assertIn(document.state, ("done", "closed"))

    def test_done_documents_are_not_cancelled(self):
        for role, user, kind, document in self._cases():
            regex = (
                "is Closed: only a draft"
                if kind == "recall"
                else (
                    "Count .* is Done"
                    if kind == "count"
                    else "is Done: only a draft can be changed"
                )
            )
            with self.subTest(role=role, document=kind):
                error, regex_ = (
                    (UserError, regex) if not user else self._expect(document, user, "write", regex)
                )
                with self.assertRaisesRegex(error, regex_):
                    self._as(document, user).action_cancel()
                with self.assertRaisesRegex(error, FINAL if error is UserError else ACCESS):
                    self._as(document, user).write({"state": "cancel"})
                self.assertIn(document.state, ("done", "closed"))

    def test_done_documents_are_not_deleted(self):
        for role, user, kind, document in self._cases():
            with self.subTest(role=role, document=kind):
                error, regex = (
                    (UserError, "it is final and cannot be deleted")
                    if not user
                    else self._expect(document, user, "unlink", "final and cannot be deleted")
                )
                with self.assertRaisesRegex(error, regex):
                    self._as(document, user).unlink()
                self.assertTrue(document.exists())

    def test_lines_of_done_documents_are_final(self):
        for role, user in dict(self.roles, superuser=None).items():
            for kind, (lines_field, fname, value) in LINE_FIELDS.items():
                lines = self.docs[kind][lines_field]
                self.assertTrue(lines, kind)
                with self.subTest(role=role, document=kind, operation="write"):
                    error, regex = (
                        (UserError, LINES)
                        if not user
                        else self._expect(lines, user, "write", LINES)
                    )
                    with self.assertRaisesRegex(error, regex):
                        self._as(lines, user).write({fname: value})
                with self.subTest(role=role, document=kind, operation="unlink"):
                    error, regex = (
                        (UserError, LINES)
                        if not user
                        else self._expect(lines, user, "unlink", LINES)
                    )
                    with self.assertRaisesRegex(error, regex):
                        self._as(lines[:1], user).unlink()
        with self.assertRaisesRegex(UserError, LINES):
            self.env["med.device.issue.line"].sudo().create(
                {"issue_id": self.docs["issue"].id, "lot_id": self.units[5].id}
            )
        with self.assertRaisesRegex(UserError, LINES):
            self.docs["count"].scan_ids.sudo().write({"quantity": 5.0})

    def test_timeline_events_never_change(self):
        event = self.docs["issue"].line_ids.lot_id.med_event_ids.filtered(
            lambda e: e.event_type == "issue"
        )
        self.assertEqual(len(event), 1)
        for role, user in dict(self.roles, superuser=None).items():
            with self.subTest(role=role):
                with self.assertRaisesRegex(UserError, "they cannot be changed"):
                    self._as(event, user).write({"note": "rewritten"})
                with self.assertRaisesRegex(UserError, "they cannot be changed"):
                    self._as(event, user).write({"date": "2020-01-01 00:00:00"})
                error, regex = (
                    (UserError, "they cannot be deleted")
                    if not user
                    else self._expect(event, user, "unlink", "they cannot be deleted")
                )
                with self.assertRaisesRegex(error, regex):
                    self._as(event, user).unlink()
        self.assertEqual(event.event_type, "issue")
        self.assertFalse(event.note)

    def test_the_attack_of_the_issue(self):
        """A department user rewrites a done use, a manager deletes it, a storekeeper
        cancels a done issue: nothing of it happens."""
        use = self.docs["use"].with_user(self.user_department)
        with self.assertRaisesRegex(UserError, f"{FINAL} Patient ID, State"):
            use.write({"patient_identifier": "MRN-1", "state": "draft"})
        with self.assertRaisesRegex(UserError, "final and cannot be deleted"):
            self.docs["use"].with_user(self.user_manager).unlink()
        with self.assertRaisesRegex(UserError, "only a draft can be changed"):
            self.docs["issue"].with_user(self.user_storekeeper).action_cancel()
        self.assertEqual((use.state, use.patient_identifier), ("done", "MRN-0042"))
        self.assertEqual(self.units[1].med_state, "used")

    def test_drafts_stay_editable(self):
        draft = self.env["med.device.issue"].create({"department_id": self.cardiology.id})
        draft.write({"department_id": self.orthopedics.id, "note": "typo"})
        self.assertEqual(draft.department_id, self.orthopedics)
        with self.assertRaisesRegex(UserError, "reached through the document's workflow"):
            draft.write({"state": "done"})
        draft.action_cancel()
        with self.assertRaisesRegex(UserError, "final and cannot be deleted"):
            draft.with_user(self.user_manager).unlink()
        other = self.env["med.device.issue"].create({"department_id": self.cardiology.id})
        other.with_user(self.user_manager).unlink()
        self.assertFalse(other.exists())

    def test_done_document_keeps_its_chatter_open(self):
        issue = self.docs["issue"]
        issue.message_post(body="Checked with the ward")
        self.assertIn("Checked with the ward", issue.message_ids[0].body)

    # ------------------------------------------------------------------ creation
    def test_system_fields_refused_on_create(self):
        s6 = self.units[5]
        values = {
            "med.device.issue": {"department_id": self.cardiology.id},
            "med.device.use": {"department_id": self.cardiology.id, "patient_identifier": "MRN-1"},
            "med.device.quarantine": {"lot_id": s6.id, "reason": "x"},
            "med.device.scrap": {"lot_id": s6.id, "reason": "x"},
            "med.count": {"department_id": self.cardiology.id},
            "med.recall": {"reason": "x", "product_id": self.stent.id},
            "med.receipt.check": {"picking_id": self.docs["receipt"].picking_id.id},
        }
        for model, vals in values.items():
            Model = self.env[model].with_user(self.admin)
            for extra, regex in (
                ({"user_id": self.user_department.id}, "Operator|Inspector"),
                ({"date_done": "2020-01-01 00:00:00"}, "Done On|Checked On"),
                ({"state": "done"}, "State"),
                ({"name": "FAKE/001"}, "Reference"),
                ({"reversal_reason": "made up"}, "Correction Reason"),
            ):
                with (
                    self.subTest(model=model, field=list(extra)[0]),
                    self.assertRaisesRegex(
                        UserError,
                        f"({regex}) of a new .* are set by the system: leave "
                        f"them out \\(given: .*{list(extra.values())[0]}",
                    ),
                ):
                    Model.create(dict(vals, **extra))
        line = {
            "check_id": self.docs["receipt"].id,
            "product_id": self.stent.id,
            "result": "rejected",
            "reject_reason": "x",
            "inspector_id": self.user_manager.id,
        }
        with self.assertRaisesRegex(UserError, "Inspector of a receipt check line are set"):
            self.env["med.receipt.check.line"].sudo().create(line)
        # a copy is a new draft of the operator copying it
        copy = self.docs["issue"].copy()
        self.assertEqual((copy.state, copy.user_id), ("draft", self.user_storekeeper))
        self.assertNotEqual(copy.name, self.docs["issue"].name)

    # ------------------------------------------------------------------ corrections
    def _correct(self, document, reason="Wrong unit scanned", user=None):
        wizard = (
            self.env["med.device.correction.wizard"]
            .with_user(user or self.env.user)
            .create({"res_model": document._name, "res_id": document.id, "reason": reason})
        )
        action = wizard.action_confirm()
        return self.env[action["res_model"]].browse(action["res_id"])

    def _trace(self, lot):
        return (lot.med_state, lot.med_location_id, lot.med_department_id, lot.med_holder_id)

    def _assert_reversal(self, original, reversal, lot, before):
        self.assertEqual(reversal.reversal_of_id, original)
        self.assertEqual(original.reversal_ids, reversal)
        self.assertEqual(reversal.state, "done")
        self.assertEqual(original.state, "done")
        self.assertEqual(reversal.reversal_reason, "Wrong unit scanned")
        self.assertEqual(self._trace(lot), before)
        event = lot.med_event_ids.sorted(lambda e: (e.date, e.id))[-1]
        self.assertEqual(
            (event.event_type, event.res_model, event.res_id),
            ("reversal", reversal._name, reversal.id),
        )
        self.assertIn("Wrong unit scanned", event.note)
        self.assertIn(original.name, event.note)
        self.assertEqual(event.reversed_event_id.res_id, original.id)
        self.assertIn("Corrected by", original.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "is already corrected by"):
            self._correct(original, user=self.user_manager)
        with self.assertRaisesRegex(UserError, "it is not corrected in turn"):
            self._correct(reversal, user=self.user_manager)
        with self.assertRaisesRegex(UserError, FINAL):
            reversal.write({"note": "hidden"})

    def test_issue_reversed(self):
        s6 = self.units[5]
        before = self._trace(s6)
        issue = self._document_of(self._issue(s6))
        self.assertEqual(s6.med_state, "issued")
        with self.assertRaisesRegex(UserError, "Only users of the group .*Storekeeper"):
            self._correct(issue, user=self.user_department)
        reversal = self._correct(issue)
        self._assert_reversal(issue, reversal, s6, before)
        self.assertEqual(s6.med_state, "in_stock")
        self.assertEqual(reversal.line_ids.lot_id, s6)
        self.assertEqual(reversal.picking_ids.move_line_ids.location_dest_id, self.stock_location)
        self.assertEqual(
            s6.quant_ids.filtered(lambda q: q.quantity > 0).location_id, self.stock_location
        )

    def test_return_of_a_borrow_reversed(self):
        s6 = self.units[5]
        self._document_of(self._issue(s6, operation="borrow"))
        before = self._trace(s6)
        self.assertEqual(before[0], "borrowed")
        giveback = self._document_of(self._issue(s6, operation="return"))
        self.assertEqual(s6.med_state, "in_stock")
        reversal = self._correct(giveback)
        self._assert_reversal(giveback, reversal, s6, before)
        self.assertEqual(s6.med_state, "borrowed", "borrowed again, not issued")
        self.assertEqual(s6.med_holder_id, self.nurse)

    def test_transfer_reversed(self):
        s6 = self.units[5]
        self._document_of(self._issue(s6))
        before = self._trace(s6)
        transfer = self._document_of(
            self._issue(s6, operation="transfer", dest_department_id=self.orthopedics.id)
        )
        self.assertEqual(s6.med_department_id, self.orthopedics)
        reversal = self._correct(transfer)
        self._assert_reversal(transfer, reversal, s6, before)
        self.assertEqual(s6.med_location_id, self.cardiology.med_location_id)

    def test_use_on_patient_reversed(self):
        use = self.docs["use"]
        s2 = use.lot_id
        with self.assertRaisesRegex(UserError, "Only users of the group .*Manager"):
            self._correct(use, user=self.user_storekeeper)
        self.env.flush_all()
        events = s2.med_event_ids.sorted(lambda e: (e.date, e.id))
        before = (events[-2].event_type, events[-2].location_id, events[-2].department_id)
        reversal = self._correct(use, user=self.user_manager)
        self.assertEqual(before, ("issue", self.cardiology.med_location_id, self.cardiology))
        self._assert_reversal(
            use,
            reversal,
            s2,
            ("issued", self.cardiology.med_location_id, self.cardiology, self.nurse),
        )
        # the recall impact no longer finds the unit on the patient
        impact = self.env["med.recall"]._med_impact(s2)
        self.assertEqual([line["place"] for line in impact], ["department"])

    def test_quarantine_reversed(self):
        quarantine = self.docs["quarantine"]
        reversal = self._correct(quarantine)
        self._assert_reversal(
            quarantine,
            reversal,
            quarantine.lot_id,
            ("in_stock", self.stock_location, self.env["hr.department"], self.env["hr.employee"]),
        )
        with self.assertRaisesRegex(UserError, "the unit is not in quarantine"):
            quarantine.action_release()

    def test_scrap_reversed_until_destroyed(self):
        scrap = self.docs["scrap"]
        lot = scrap.lot_id
        with self.assertRaisesRegex(UserError, "Only users of the group .*Manager"):
            self._correct(scrap)
        reversal = self._correct(scrap, user=self.user_manager)
        self._assert_reversal(
            scrap,
            reversal,
            lot,
            ("in_stock", self.stock_location, self.env["hr.department"], self.env["hr.employee"]),
        )
        self.assertEqual(
            lot.quant_ids.filtered(lambda q: q.location_id.usage == "internal").quantity, 1.0
        )
        # a destroyed unit does not come back
        other = self.env["med.device.scrap"].create({"lot_id": lot.id, "reason": "Bent"})
        other.action_done()
        other.write({"destruction_method": "incineration", "destruction_witness_id": self.nurse.id})
        other.action_destroy()
        with self.assertRaisesRegex(UserError, "the unit was destroyed"):
            self._correct(other, user=self.user_manager)
        with self.assertRaisesRegex(UserError, f"{FINAL} Destruction Method"):
            other.write({"destruction_method": "shredding"})

    def test_unit_moved_since_is_not_moved_back(self):
        issue = self.docs["issue"]
        s1 = issue.line_ids.lot_id
        self.assertTrue(
            self.scan(
                self._raw(s1), "use", department_id=self.cardiology.id, patient_identifier="MRN-7"
            )["ok"]
        )
        with self.assertRaisesRegex(UserError, "Use on Patient of .* happened after"):
            self._correct(issue)
        self.assertFalse(issue.reversal_ids)
        self.assertEqual(s1.med_state, "used")

    def test_count_corrected_by_a_new_count(self):
        count = self.docs["count"]
        recount = self._correct(count, reason="Shelf B not counted")
        self.assertEqual((recount._name, recount.state), ("med.count", "draft"))
        self.assertEqual(recount.reversal_of_id, count)
        self.assertEqual(count.reversal_ids, recount)
        self.assertEqual(recount.location_id, count.location_id)
        self.assertEqual(recount.reversal_reason, "Shelf B not counted")
        self.assertEqual(count.state, "done")

    def test_recall_corrected_by_a_note(self):
        recall = self.docs["recall"]
        with self.assertRaisesRegex(UserError, "Only users of the group .*Manager"):
            self._correct(recall)
        target = self._correct(
            recall.with_user(self.user_manager),
            reason="Notice reference was REF-2",
            user=self.user_manager,
        )
        self.assertEqual(target, recall)
        self.assertIn("Correction: Notice reference was REF-2", recall.message_ids[0].body)
        self.assertEqual(recall.state, "closed")

    def test_receipt_check_not_reversed(self):
        with self.assertRaisesRegex(UserError, "cannot be corrected: a receipt check records"):
            self._correct(self.docs["receipt"], user=self.user_manager)

    def test_correction_needs_a_reason(self):
        with self.assertRaisesRegex(UserError, "Give the reason of the correction"):
            self.docs["issue"]._med_correct("   ")
        self.assertFalse(self.docs["issue"].reversal_ids)

    def test_expected_return_passed_reversal_is_not_overdue(self):
        s6 = self.units[5]
        borrow = self._document_of(
            self._issue(
                s6,
                operation="borrow",
                expected_return_date=fields.Date.today() - datetime.timedelta(days=1),
            )
        )
        self.assertTrue(borrow.is_overdue)
        reversal = self._correct(borrow)
        borrow.invalidate_recordset(["is_overdue"])
        self.assertFalse(borrow.is_overdue)
        self.assertFalse(reversal.is_overdue)
        self.assertEqual(s6.med_state, "in_stock")
        self.assertTrue(reversal.picking_ids)
