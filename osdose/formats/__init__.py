"""The file formats of osdose as pydantic models: loaders validate with them, ``osdose
schema`` prints them, and their field readers live in :mod:`osdose.fields`."""
