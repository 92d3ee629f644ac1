from odoo.tests import TransactionCase

from medtrace.edi.errors import MESSAGES

from ..models.edi_messages import ADDON_MESSAGES, CODEC_MESSAGES, translate_problem


class TestMessages(TransactionCase):
    def test_every_codec_template_is_listed_for_translation(self):
        listed = {code: lazy._source for code, lazy in CODEC_MESSAGES.items()}
        self.assertEqual(
            listed, MESSAGES, "models/edi_messages.py must repeat medtrace.edi's templates"
        )

    def test_translations_keep_their_placeholders(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        module = self.env["ir.module.module"].search([("name", "=", "med_consignor_edi")])
        module._update_translations(["zh_CN"])
        env = self.env(context=dict(self.env.context, lang="zh_CN"))
        text = translate_problem(
            env, MESSAGES["bad_date"], {"field": "expiry_date", "value": "2025-13-01"}
        )
        self.assertIn("2025-13-01", text)
        self.assertNotEqual(
            text, MESSAGES["bad_date"] % {"field": "expiry_date", "value": "2025-13-01"}
        )
        for lazy in ADDON_MESSAGES.values():
            self.assertTrue(lazy._source)
