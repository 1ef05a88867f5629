"""A kernel that refuses `renameat2`, as a file system without RENAME_EXCHANGE does: a seccomp filter.

`refuse_renameat2` installs, in the calling process and every child it starts, a filter that answers
each `renameat2` call with EINVAL, the answer of NFS and other file systems that cannot exchange two
names. Plain `rename`/`renameat` stay allowed, so the two-rename fallback is what runs. Use it as a
`preexec_fn`.
"""
from __future__ import annotations

import ctypes
import errno
import platform
import struct

# From linux/filter.h, linux/seccomp.h, linux/audit.h and the syscall tables.
_LD_W_ABS, _JEQ_K, _RET_K = 0x20, 0x15, 0x06
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_ARCHES = {"x86_64": (0xC000003E, 316), "aarch64": (0xC00000B7, 276)}


class _Filter(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def refuse_renameat2() -> None:
    """From now on, `renameat2` fails with EINVAL in this process and its children."""
    arch, number = _ARCHES[platform.machine()]
    program = [
        (_LD_W_ABS, 0, 0, 4),                    # A = seccomp_data.arch
        (_JEQ_K, 0, 3, arch),                    # another architecture: allow
        (_LD_W_ABS, 0, 0, 0),                    # A = seccomp_data.nr
        (_JEQ_K, 0, 1, number),
        (_RET_K, 0, 0, _RET_ERRNO | errno.EINVAL),
        (_RET_K, 0, 0, _RET_ALLOW),
    ]
    code = b"".join(struct.pack("HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(code, len(code))
    prog = _Filter(len(program), ctypes.addressof(buffer))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
            libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp filter not installed")
