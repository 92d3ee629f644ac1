# ruff: noqa: I001  (order matters: the mixins are defined before the models inheriting them)
from . import edi_messages
from . import med_edi_folder_mixin
from . import med_edi_monthly_mixin
from . import med_edi_bill_mixin
from . import med_edi_backend
from . import med_edi_problem
from . import med_edi_exchange
from . import med_edi_consumer_mixin
from . import purchase_order
from . import sale_order
from . import stock_picking
from . import stock_move
from . import stock_move_line
from . import account_move
from . import med_recall
from . import med_edi_reconciliation
from . import med_edi_reconciliation_line
