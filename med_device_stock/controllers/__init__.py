from . import label
