import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

#: first-level names corrected by the complete catalogue (see the data file's header):
#: code -> (name shipped before 18.0.1.3.0, name of the catalogue table)
RENAMED = {
    "07-06": ("放射性核素测量设备", "放射性核素诊断设备", "Radionuclide diagnostic equipment"),
    "11-04": ("辐射消毒灭菌设备", "紫外线消毒设备", "Ultraviolet disinfection equipment"),
    "13-08": ("耳、鼻、咽喉植入物", "耳鼻喉植入物", "Ear, nose and throat implants"),
}


def migrate(cr, version):
    """The catalogue data is ``noupdate``: the update adds the second-level categories
    and the missing first-level ones, but the three names it corrects are renamed here,
    only where a database still has the name shipped before (a name quality changed by
    hand is left alone)."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Category = env["gsp.device.category"].with_context(active_test=False)
    for code, (old, new, new_en) in RENAMED.items():
        category = Category.search([("code", "=", code), ("name", "=", old)])
        if category:
            category.write({"name": new, "name_en": new_en})
            _logger.info("Classification catalogue %s renamed %s -> %s", code, old, new)
