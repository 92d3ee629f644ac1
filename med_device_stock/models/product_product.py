from odoo import api, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _med_his_key(self):
        """The product's code in the messages to the HIS and in reconciliations."""
        self.ensure_one()
        return self.med_his_charge_code or self.default_code or self.barcode or f"P{self.id}"

    @api.model
    def _med_by_his_codes(self, codes):
        """{code: product} for the codes a HIS charges under: the product's HIS charge code,
        else its internal reference, else its barcode (one query each, whatever the
        number of codes)."""
        codes = {code for code in codes if code}
        found = {}
        for field in ("med_his_charge_code", "default_code", "barcode"):
            wanted = codes - set(found)
            if not wanted:
                break
            for product in self.search([(field, "in", list(wanted))]):
                found.setdefault(product[field], product)
        return found
