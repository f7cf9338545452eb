"""Saves a workbook as a password-protected xlsx with LibreOffice, through UNO.

Usage: python3 encrypt_xlsx.py SOURCE.xlsx TARGET.xlsx PASSWORD

Called by `cargo run --example make_fixtures -- --encrypt` to make the E003 fixture: a
real encrypted Office Open XML file (ECMA-376 "standard" encryption: an OLE container
with the EncryptionInfo and EncryptedPackage streams), as Excel or LibreOffice write it
when a user sets a password to open. Needs `soffice` and the `uno` module (Debian:
python3-uno, with the system python3).
"""

import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import NamedValue, PropertyValue

PORT = 2202


def property_value(name, value):
    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


def named_value(name, value):
    pair = NamedValue()
    pair.Name = name
    pair.Value = value
    return pair


def main():
    source, target, password = sys.argv[1:4]
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo",
         f"--accept=socket,host=localhost,port={PORT};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        context = None
        for _ in range(120):
            try:
                context = resolver.resolve(
                    f"uno:socket,host=localhost,port={PORT};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.5)
        if context is None:
            sys.exit("LibreOffice ne répond pas")
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context)
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0,
            (property_value("Hidden", True),))
        # "Standard" encryption: LibreOffice 7.4 fails to write "Agile" encryption.
        encryption = uno.Any("[]com.sun.star.beans.NamedValue", (
            named_value("OOXPassword", password),
            named_value("CryptoType", "Standard"),
        ))
        arguments = uno.Any("[]com.sun.star.beans.PropertyValue", (
            property_value("FilterName", "Calc MS Excel 2007 XML"),
            property_value("EncryptionData", encryption),
        ))
        uno.invoke(document, "storeToURL",
                   (uno.systemPathToFileUrl(os.path.abspath(target)), arguments))
        document.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass  # LibreOffice closes the connection while quitting.
    finally:
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
