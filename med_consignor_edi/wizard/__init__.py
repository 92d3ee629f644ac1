from . import med_edi_upload_wizard
