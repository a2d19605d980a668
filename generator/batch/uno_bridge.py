"""Talks to one running LibreOffice over UNO; run by a Python that has ``uno`` (python3-uno).

Why this file exists: converting through a LibreOffice that stays up saves its start-up (about
a second) per document, but only an interpreter built against LibreOffice's UNO can drive it,
and that is usually the system's Python, not budgetdoc's. So budgetdoc (office.py) starts this
script with that interpreter and exchanges one JSON line per document on stdin/stdout:
``{"in": docx, "out": pdf}`` → ``{"ok": true}`` or ``{"ok": false, "error": "..."}``;
``{"quit": true}`` asks LibreOffice to exit. It imports nothing from budgetdoc.
"""

import json
import sys
import time


def _reply(data):
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def _prop(name, value):
    from com.sun.star.beans import PropertyValue

    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _connect(uno, pipe, wait):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + wait
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # noqa: BLE001 - LibreOffice not listening yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _convert(uno, desktop, source, target):
    doc = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(source), "_blank", 0, (_prop("Hidden", True), _prop("ReadOnly", True)))
    if doc is None:
        raise RuntimeError("LibreOffice 无法打开该文档")
    try:
        doc.storeToURL(uno.systemPathToFileUrl(target), (_prop("FilterName", "writer_pdf_Export"),))
    finally:
        doc.close(True)


def main():
    import uno

    pipe, wait = sys.argv[1], float(sys.argv[2])
    try:
        desktop = _connect(uno, pipe, wait)
    except Exception as exc:  # noqa: BLE001
        _reply({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    _reply({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("quit"):
            try:
                desktop.terminate()
            except Exception:  # noqa: BLE001 - it is going away either way
                pass
            return 0
        try:
            _convert(uno, desktop, request["in"], request["out"])
            _reply({"ok": True})
        except Exception as exc:  # noqa: BLE001 - reported to budgetdoc, which decides to restart
            _reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
