from . import med_implant_card_report, stock_lot_label_report
