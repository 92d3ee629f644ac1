from . import wiz_stock_barcodes_read
