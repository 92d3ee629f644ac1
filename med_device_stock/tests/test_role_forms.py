"""Each role opens the screens it works with, as the web client does, without an access
error: a nurse opens her department's uses and issues, a storekeeper a unit's form
(stock_account's valuation of the unit is for inventory administrators only)."""

from odoo.exceptions import AccessError

from .common import MedDoneDocumentsCommon, open_form


class TestRoleForms(MedDoneDocumentsCommon):
    def test_each_role_opens_its_forms(self):
        docs = self._make_done_documents()
        unit = self.units[1]  # used in cardiology
        cases = {
            "department user": (self.user_department, [docs["use"], docs["issue"], unit]),
            "storekeeper": (
                self.user_storekeeper,
                [
                    unit,
                    docs["use"],
                    docs["issue"],
                    docs["quarantine"],
                    docs["scrap"],
                    docs["count"],
                    docs["receipt"],
                ],
            ),
            "manager": (self.user_manager, [unit, docs["use"], docs["scrap"], docs["recall"]]),
        }
        for role, (user, records) in cases.items():
            for record in records:
                with self.subTest(role=role, form=record._name):
                    try:
                        values = open_form(self.env, user, record)
                    except AccessError as error:
                        self.fail(f"the {role} cannot open the {record._name} form: {error}")
                    self.assertEqual(values[0]["id"], record.id)
