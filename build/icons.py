"""Render resources/icons/offdesk.svg into the PNG, ICO and ICNS the installers use.

Run after changing the SVG (needs Pillow, which Offdesk itself does not):
    .venv/bin/pip install pillow && .venv/bin/python build/icons.py
The outputs are committed, so builds need neither this script nor Pillow.
"""

import io
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def render(size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ICONS / "offdesk.svg")).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(data)))


def main() -> None:
    QGuiApplication([])
    big = render(1024)
    render(256).save(ICONS / "offdesk.png")
    big.save(ICONS / "offdesk.ico", sizes=[(s, s) for s in (16, 32, 48, 64, 128, 256)])
    big.save(ICONS / "offdesk.icns")


if __name__ == "__main__":
    main()
