"""MATLAB 5 .mat fixtures written by SciPy (scipy.io.savemat), as the official Stanford Dogs lists are.

Fixtures/mat/dogs_{compressed,uncompressed}/{train,test}_list.mat hold, for a synthetic
Stanford Dogs tree of 3 breeds (Images/n0208<k>-<Breed>/n0208<k>_<i>.jpg), the official
variables: file_list and annotation_list (N x 1 cells of char rows) and labels (N x 1 double,
1-based). Fixtures/mat/misc.mat exercises the reader: int32, single, uint8, logical, a 2-row
char array, a struct, a cell with an empty element, and non-ASCII text. Fixtures/mat/bad/ holds
lists that are well-formed MATLAB but wrong: file_list and labels of different lengths, and a
label out of range.
Run with /usr/bin/python3 (Debian python3-scipy)."""
import os

import numpy as np
import scipy
import scipy.io

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Fixtures", "mat")

BREEDS = ["n02085620-Chihuahua", "n02085782-Japanese_spaniel", "n02086240-Shih-Tzu"]
TRAIN = [(0, 1), (0, 2), (1, 7), (2, 3), (2, 4)]
TEST = [(0, 5), (1, 8)]


def lists(entries):
    files = [f"{BREEDS[b]}/{BREEDS[b].split('-')[0]}_{i}.jpg" for b, i in entries]
    cell = lambda items: np.array([[s] for s in items], dtype=object)
    return {
        "file_list": cell(files),
        "annotation_list": cell([f[:-4] for f in files]),
        "labels": np.array([[b + 1] for b, _ in entries], dtype=np.float64),
    }


for compressed in (True, False):
    folder = os.path.join(OUT, "dogs_compressed" if compressed else "dogs_uncompressed")
    os.makedirs(folder, exist_ok=True)
    scipy.io.savemat(os.path.join(folder, "train_list.mat"), lists(TRAIN), do_compression=compressed)
    scipy.io.savemat(os.path.join(folder, "test_list.mat"), lists(TEST), do_compression=compressed)

scipy.io.savemat(os.path.join(OUT, "misc.mat"), {
    "ints": np.array([[1, -2, 3], [4, 5, -6]], dtype=np.int32),
    "single": np.array([[0.5, 1.25]], dtype=np.float32),
    "bytes": np.array([[7, 255]], dtype=np.uint8),
    "flags": np.array([[True, False, True]]),
    "rows": np.array(["ab", "cd"]),
    "info": {"count": 3.0, "title": "dogs"},
    "mixed": np.array([["x"], [np.zeros((0, 0))]], dtype=object),
    "unicode": "caf\u00e9 \u2713",
})
bad = os.path.join(OUT, "bad")
os.makedirs(bad, exist_ok=True)
mismatched = lists(TRAIN)
mismatched["labels"] = mismatched["labels"][:3]
scipy.io.savemat(os.path.join(bad, "mismatched_lengths.mat"), mismatched, do_compression=True)
out_of_range = lists(TEST)
out_of_range["labels"][1, 0] = 4
scipy.io.savemat(os.path.join(bad, "label_out_of_range.mat"), out_of_range, do_compression=True)
print("scipy", scipy.__version__, "wrote", sorted(os.listdir(OUT)))
