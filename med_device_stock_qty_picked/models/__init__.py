from . import stock_move_line
