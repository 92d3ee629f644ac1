from . import test_qty_picked
