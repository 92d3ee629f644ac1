from . import med_edi_exchange
