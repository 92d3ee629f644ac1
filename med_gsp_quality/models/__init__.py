# isort: skip_file
# (order matters: the mixin is defined before the models that inherit it)
from . import gsp_audited_mixin
from . import gsp_four_eyes_mixin
from . import gsp_audit_chain
from . import gsp_audit_log
from . import gsp_messages
from . import gsp_device_category
from . import gsp_qualification
from . import gsp_first_review
from . import gsp_change_request
from . import gsp_change_request_line
from . import gsp_event_rule
from . import gsp_event
from . import gsp_access_request
from . import res_company
from . import res_config_settings
from . import res_partner
from . import product_category
from . import product_template
from . import purchase_order
from . import sale_order
from . import stock_picking
from . import med_device_scan
from . import med_receipt_check
from . import med_count_line
from . import stock_lot
from . import gsp_demo_living
