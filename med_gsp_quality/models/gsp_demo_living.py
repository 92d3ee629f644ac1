from odoo import Command, api, models


class GspDemoLiving(models.AbstractModel):
    """Quality's side of the demo hospital on the day it is installed (the demo data
    calls ``gsp.demo.living._gsp_load_demo_living`` after the demo users): a change
    request the quality officer made, waiting for the quality manager, and the daily
    qualification job run once (expiry warnings, the expired ones' lock events)."""

    _name = "gsp.demo.living"
    _description = "GSP Demo: What Needs Attention"

    @api.model
    def _gsp_load_demo_living(self):
        ref = self.env.ref
        officer = ref("med_gsp_quality.res_users_quality_officer_demo")
        hip = ref("med_device_stock.product_hip_demo")
        field = self.env["ir.model.fields"]._get("product.template", "med_storage_conditions")
        request = (
            self.env["gsp.change.request"]
            .with_user(officer)
            .create(
                {
                    "res_model": "product.template",
                    "res_id": hip.id,
                    "reason": "The manufacturer's instructions for use, revision C, widen the "
                    "storage conditions of the hip prosthesis.",
                    "line_ids": [
                        Command.create(
                            {
                                "field_id": field.id,
                                "new_value": "Between 5 °C and 30 °C, dry, "
                                "away from direct sunlight",
                            }
                        )
                    ],
                }
            )
        )
        request.action_submit()
        self.env["gsp.qualification"]._cron_expiry_warnings()
        return True
