from . import stock_lot_label_report
