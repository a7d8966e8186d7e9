"""Writes the gzip files GzipTests reads, next to this script, with Python's gzip module:
each <case>.gz beside <case>.raw, its uncompressed contents.

  stored      level 0: stored blocks only
  fixed       a short text at level 9 (fixed Huffman codes)
  dynamic     60 KB of repetitive, structured bytes at level 9 (dynamic codes, long matches)
  noisy       20 KB of random bytes at level 6 (mostly literals, several blocks)
  named       a member whose header carries a file name (FNAME)
  multi       two members concatenated
  empty       no data at all
  idx_images  an IDX file of 3 unsigned-byte images 4 × 5, gzip-compressed
  idx_labels  an IDX file of 3 labels

Run:  python make_gzip.py   (any Python 3; deterministic)
"""
import gzip, io, os, random, struct

here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20261201)


def write(name, raw, members):
    with open(os.path.join(here, name + ".raw"), "wb") as f:
        f.write(raw)
    with open(os.path.join(here, name + ".gz"), "wb") as f:
        f.write(members)


def gz(data, level=9, filename=""):
    buf = io.BytesIO()
    with gzip.GzipFile(filename=filename, mode="wb", compresslevel=level, fileobj=buf, mtime=0) as g:
        g.write(data)
    return buf.getvalue()


text = b"the quick brown fox jumps over the lazy dog; " * 3
write("stored", text * 20, gz(text * 20, level=0))
write("fixed", text, gz(text, level=9))
rows = bytes(((x // 4) * 37 + (y // 3) * 11) % 256 if (x // 7 + y // 5) % 3 else 0 for y in range(240) for x in range(250))
write("dynamic", rows, gz(rows, level=9))
noise = bytes(rng.randrange(256) for _ in range(20000))
write("noisy", noise, gz(noise, level=6))
write("named", text, gz(text, filename="named.txt"))
write("multi", text + noise[:3000], gz(text) + gz(noise[:3000], level=1))
write("empty", b"", gz(b""))
images = bytes(rng.randrange(256) for _ in range(3 * 4 * 5))
idx_images = struct.pack(">BBBBIII", 0, 0, 8, 3, 3, 4, 5) + images
write("idx_images", idx_images, gz(idx_images))
idx_labels = struct.pack(">BBBBI", 0, 0, 8, 1, 3) + bytes([9, 0, 4])
write("idx_labels", idx_labels, gz(idx_labels))
