"""The regimen library shipped with osdose (installed as the package ``osdose.regimens``)."""
