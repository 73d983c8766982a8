"""RFC 6238 written out, so tests compute the codes an authenticator app would show
without asking the code under test (django-otp) for them."""

import hashlib
import hmac
import struct
import time


def totp_code(key: bytes, at: float | None = None, *, step: int = 30, digits: int = 6) -> str:
    """TOTP (RFC 6238 §4) over HOTP (RFC 4226 §5.3): HMAC-SHA-1 of the number of
    ``step``-second periods since the Unix epoch, dynamic truncation, last ``digits``."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def device_code(device, at: float | None = None) -> str:
    """The code ``device`` (a django-otp TOTPDevice) accepts now (or at ``at``)."""
    return totp_code(bytes.fromhex(device.key), at, step=device.step, digits=device.digits)
