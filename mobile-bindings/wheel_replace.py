"""Replaces one file of a wheel and rewrites its RECORD (hash and size), in place.

    python3 wheel_replace.py WHEEL PATH_IN_WHEEL NEW_FILE

mobile-bindings/test.sh puts the stripped library into the wheel maturin built with symbols.
"""

import base64
import hashlib
import os
import sys
import tempfile
import zipfile


def record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def main(wheel: str, member: str, new_file: str) -> None:
    with open(new_file, "rb") as f:
        new_data = f.read()
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(wheel)), suffix=".whl")
    os.close(fd)
    replaced = False
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == member:
                data, replaced = new_data, True
            elif info.filename.endswith(".dist-info/RECORD"):
                lines = [
                    record_line(member, new_data) if line.split(",")[0] == member else line
                    for line in data.decode().splitlines()
                ]
                data = ("\n".join(lines) + "\n").encode()
            dst.writestr(info, data)
    if not replaced:
        os.unlink(tmp)
        raise SystemExit(f"{member} is not in {wheel}")
    os.chmod(tmp, 0o644)  # mkstemp made it private; a wheel is a plain file
    os.replace(tmp, wheel)


if __name__ == "__main__":
    main(*sys.argv[1:])
