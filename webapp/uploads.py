"""Upload checks (extension, content, PDF decompression bombs) and storage
under safe names.

The user's file name is only read for its extension: stored files get fixed
names (`page-01.jpg`…), so a name like `../../x.pdf` goes nowhere.
"""
from __future__ import annotations

from pathlib import Path, PurePath

from werkzeug.datastructures import FileStorage

from tasks.errors import FileTooLarge, InvalidFile
from webapp import bombs

# Leading bytes of each accepted format, by extension.
_SIGNATURES = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".bmp": (b"BM",),
    ".tif": (b"II*\x00", b"MM\x00*"),
    ".tiff": (b"II*\x00", b"MM\x00*"),
}
PDF_MARKER = b"%PDF-"
PDF_MARKER_WINDOW = 1024  # as PDF readers accept


def extension(storage: FileStorage) -> str:
    # Browsers may send a full client path: keep only its last part.
    name = PurePath((storage.filename or "").replace("\\", "/")).name
    return PurePath(name).suffix.lower()


def _head(storage: FileStorage, size: int) -> bytes:
    storage.stream.seek(0)
    head = storage.stream.read(size)
    storage.stream.seek(0)
    return head


def check_pdf(storage: FileStorage) -> None:
    if extension(storage) != ".pdf":
        raise InvalidFile("Le fichier doit être un PDF (extension .pdf).")
    head = _head(storage, PDF_MARKER_WINDOW)
    if not head:
        raise InvalidFile("Le fichier PDF est vide.")
    if PDF_MARKER not in head:
        raise InvalidFile("Le contenu du fichier n'est pas un PDF.")
    if bombs.exceeds_limit(storage.stream):
        raise FileTooLarge(f"Le PDF contient des données compressées qui dépasseraient "
                           f"{bombs.INFLATED_LIMIT // (1024 * 1024)} Mo une fois décompressées : fichier refusé.")


def check_image(storage: FileStorage, position: int) -> None:
    ext = extension(storage)
    if ext not in _SIGNATURES:
        raise InvalidFile(f"Image n° {position} : format non accepté (formats acceptés : "
                          "jpg, jpeg, png, bmp, tif, tiff).")
    head = _head(storage, 16)
    if not head:
        raise InvalidFile(f"Image n° {position} : le fichier est vide.")
    if not head.startswith(_SIGNATURES[ext]):
        raise InvalidFile(f"Image n° {position} : le contenu ne correspond pas à l'extension {ext}.")


def save(storages: list[FileStorage], folder: Path) -> list[Path]:
    """Store the checked uploads in `folder`, in order, under fixed names."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, storage in enumerate(storages, start=1):
        path = folder / f"page-{index:02d}{extension(storage)}"
        storage.stream.seek(0)
        storage.save(path)
        paths.append(path)
    return paths
