from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Products take again the most precise catalogue category covering their code.

    Before 18.0.1.1.0 a category added by hand (the shipped catalogue lacks some) did not
    take over the products already coded under it; the categories shipped by this version
    do, as they are created."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    products = (
        env["product.template"]
        .with_context(active_test=False)
        .search([("gsp_classification_code", "!=", False)])
    )
    env.add_to_compute(products._fields["gsp_category_id"], products)
    products.flush_recordset(["gsp_category_id"])
