#!/usr/bin/python3
# sluice: regenerates the inflate bad-input corpus -- MIT licensed.
# Each file is DESC.ERRNAME.FMT: the error inflate must report for it
# (test/test_inflate.c bad_corpus() decodes it whole, per byte and split,
# and checks zlib's verdict agrees).  Run from this directory.
import struct
import zlib


class Bits:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, v, n):            # n bits of v, LSB first
        self.acc |= v << self.n
        self.n += n
        while self.n >= 8:
            self.out.append(self.acc & 0xff)
            self.acc >>= 8
            self.n -= 8

    def code(self, c, n):           # a Huffman code, MSB first
        for i in range(n - 1, -1, -1):
            self.put((c >> i) & 1, 1)

    def data(self):
        return bytes(self.out) + (bytes([self.acc]) if self.n else b"")


def canon(lens):
    """canonical codes for a list of lengths"""
    codes, code = {}, 0
    for ln in range(1, 16):
        for s, l in enumerate(lens):
            if l == ln:
                codes[s] = (code, ln)
                code += 1
        code <<= 1
    return codes


ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]


def dynamic(litlen, dist, pre=None, syms=None, final=1, hlit=None,
            hdist=None):
    """a dynamic block header; syms: code-length symbols (sym, extra, nx)
    to write instead of plain lengths"""
    b = Bits()
    b.put(final, 1)
    b.put(2, 2)
    b.put((len(litlen) - 257) if hlit is None else hlit, 5)
    b.put((len(dist) - 1) if hdist is None else hdist, 5)
    if pre is None:
        pre = [4] * 13 + [5] * 6        # a complete precode
    b.put(19 - 4, 4)
    for s in ORDER:
        b.put(pre[s], 3)
    pc = canon(pre)
    if syms is None:
        syms = [(l, 0, 0) for l in litlen + dist]
    for s, x, nx in syms:
        c, n = pc[s]
        b.code(c, n)
        if nx:
            b.put(x, nx)
    return b


def fixed_block(items, final=1):
    """items: ('lit', byte) / ('sym', litlen symbol, extra, nextra)
    / ('dist', dsym, extra, nextra); ends with end-of-block"""
    b = Bits()
    b.put(final, 1)
    b.put(1, 2)
    for it in items:
        if it[0] == 'dist':
            b.code(it[1], 5)
            if it[3]:
                b.put(it[2], it[3])
            continue
        s = it[1]
        if s < 144:
            b.code(0x30 + s, 8)
        elif s < 256:
            b.code(0x190 + s - 144, 9)
        elif s < 280:
            b.code(s - 256, 7)
        else:
            b.code(0xc0 + s - 280, 8)
        if it[0] == 'sym' and len(it) > 2 and it[3]:
            b.put(it[2], it[3])
    b.code(0, 7)
    return b.data()


def ok_lit():
    return [8] * 144 + [9] * 112 + [7] * 24 + [8] * 4 + [7] * 2  # complete


def ok_dist():
    return [5] * 30 + [0] * 0


def w(name, data):
    open(name, "wb").write(data)


raw = zlib.compressobj(6, zlib.DEFLATED, -15)
RAW = raw.compress(b"hello hello hello sluice " * 40) + raw.flush()

w("btype3.INFLATE_E_BLOCK_TYPE.raw", b"\x07\x00\x00")
w("btype3_after_stored.INFLATE_E_BLOCK_TYPE.raw",
  b"\x00\x00\x00\xff\xff\x07")
w("stored_nlen.INFLATE_E_STORED_LEN.raw", b"\x01\x03\x00\xfd\xffabc")
w("stored_short.INFLATE_E_TRUNCATED.raw", b"\x01\x05\x00\xfa\xffabc")
w("hlit_287.INFLATE_E_CODE_LENGTHS.raw",
  dynamic(ok_lit(), ok_dist(), hlit=30).data()[:4])
w("hdist_31.INFLATE_E_CODE_LENGTHS.raw",
  dynamic(ok_lit(), ok_dist(), hdist=30).data()[:4])
w("repeat_first.INFLATE_E_CODE_LENGTHS.raw",
  dynamic(ok_lit(), ok_dist(), syms=[(16, 0, 2)]).data() + b"\0" * 8)
w("repeat_past_end.INFLATE_E_CODE_LENGTHS.raw",
  dynamic(ok_lit(), ok_dist(), syms=[(8, 0, 0)] + [(18, 127, 7)] * 3)
  .data() + b"\0" * 8)
nolit = ok_lit()
nolit[256] = 0
w("no_eob.INFLATE_E_CODE_LENGTHS.raw",
  dynamic(nolit, ok_dist()).data() + b"\0" * 8)
w("precode_oversub.INFLATE_E_CODE_OVERSUB.raw",
  dynamic(ok_lit(), ok_dist(), pre=[1] * 19, syms=[]).data() + b"\0" * 8)
w("precode_incomplete.INFLATE_E_CODE_INCOMPLETE.raw",
  dynamic(ok_lit(), ok_dist(), pre=[2] * 3 + [0] * 16, syms=[])
  .data() + b"\0" * 8)
over = ok_lit()
over[0] = 7
w("litlen_oversub.INFLATE_E_CODE_OVERSUB.raw",
  dynamic(over, ok_dist()).data() + b"\0" * 8)
inc = ok_lit()
inc[0] = 9
w("litlen_incomplete.INFLATE_E_CODE_INCOMPLETE.raw",
  dynamic(inc, ok_dist()).data() + b"\0" * 8)
w("dist_oversub.INFLATE_E_CODE_OVERSUB.raw",
  dynamic(ok_lit(), [1, 1, 1]).data() + b"\0" * 8)
w("dist_incomplete.INFLATE_E_CODE_INCOMPLETE.raw",
  dynamic(ok_lit(), [2, 2, 2]).data() + b"\0" * 8)
w("fixed_sym286.INFLATE_E_SYMBOL.raw", fixed_block([('sym', 286)]))
w("fixed_dist30.INFLATE_E_SYMBOL.raw",
  fixed_block([('lit', 97), ('sym', 257), ('dist', 30, 0, 13)]))
# distance 2 with one byte of history
w("dist_too_far.INFLATE_E_DISTANCE.raw",
  fixed_block([('lit', 97), ('sym', 257), ('dist', 1, 0, 0)]))
w("dist_first.INFLATE_E_DISTANCE.raw",
  fixed_block([('sym', 257), ('dist', 0, 0, 0)]))
# single distance code of length 1 (allowed), then its missing half
one = [1] + [0] * 29
w("dist_single_missing.INFLATE_E_SYMBOL.raw",
  dynamic(ok_lit(), one).data() + b"\x03\xff\xff\xff")
w("cut_raw.INFLATE_E_TRUNCATED.raw", RAW[:len(RAW) // 2])

Z = zlib.compress(b"hello hello hello sluice " * 40)
w("zlib_fcheck.INFLATE_E_HEADER.zlib", b"\x78\x9d" + Z[2:])
w("zlib_cm7.INFLATE_E_HEADER.zlib", b"\x77\x85" + Z[2:])
w("zlib_cinfo8.INFLATE_E_HEADER.zlib", b"\x88\x98" + Z[2:])
w("zlib_fdict.INFLATE_E_FDICT.zlib", b"\x78\xbb\x01\x02\x03\x04" + Z[2:])
w("zlib_adler.INFLATE_E_ADLER.zlib", Z[:-1] + bytes([Z[-1] ^ 1]))
w("zlib_cut_adler.INFLATE_E_TRUNCATED.zlib", Z[:-2])

import gzip
G = gzip.compress(b"hello hello hello sluice " * 40, mtime=0)
w("gz_magic.INFLATE_E_HEADER.gz", b"\x1f\x8c" + G[2:])
w("gz_method.INFLATE_E_HEADER.gz", G[:2] + b"\x07" + G[3:])
w("gz_reserved_flag.INFLATE_E_FLAGS.gz", G[:3] + b"\x20" + G[4:])
hdr = bytearray(G[:10])
hdr[3] = 2
w("gz_hcrc.INFLATE_E_HCRC.gz", bytes(hdr) + b"\x00\x00" + G[10:])
w("gz_crc.INFLATE_E_CRC.gz", G[:-8] + bytes([G[-8] ^ 0x80]) + G[-7:])
w("gz_isize.INFLATE_E_ISIZE.gz", G[:-4] + struct.pack("<I", 999))
w("gz_trailing_zeros.INFLATE_E_TRAILING.gz", G + b"\0\0\0\0")
w("gz_trailing_text.INFLATE_E_TRAILING.gz", G + G + b"HTTP/1.1 200")
w("gz_second_bad.INFLATE_E_HEADER.gz", G + b"\x1f\x8b\x09\x00")
w("gz_cut_header.INFLATE_E_TRUNCATED.gz", G[:7])
w("gz_cut_isize.INFLATE_E_TRUNCATED.gz", G[:-1])
w("gz_cut_second.INFLATE_E_TRUNCATED.gz", G + G[:15])
w("gz_empty.INFLATE_E_TRUNCATED.gz", b"")
