from odoo.tests import TransactionCase

from medtrace.udi.errors import MESSAGES

from ..models.med_udi_messages import UDI_MESSAGES


class TestUdiMessages(TransactionCase):
    def test_every_udi_template_is_listed_for_translation(self):
        """Each medtrace.udi error template is a literal here, so it lands in the .pot."""
        self.assertEqual(set(UDI_MESSAGES), set(MESSAGES))
        for code, template in MESSAGES.items():
            self.assertEqual(UDI_MESSAGES[code]._source, template, code)

    def test_every_legacy_import_template_is_listed_for_translation(self):
        from medtrace.legacy.errors import MESSAGES as LEGACY

        from ..models.med_legacy_messages import LEGACY_MESSAGES

        self.assertEqual(set(LEGACY_MESSAGES), set(LEGACY))
        for code, template in LEGACY.items():
            self.assertEqual(LEGACY_MESSAGES[code]._source, template, code)
